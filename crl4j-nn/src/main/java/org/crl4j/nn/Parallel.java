package org.crl4j.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of worker threads with a cheap hand-off, for the many small parallel loops of a training step
 * (a 512×256×256 GEMM takes ~0.2 ms, so starting tasks through an ExecutorService would cost more than the work).
 *
 * <p>{@link #run(int, Task)} splits work into {@code tasks} numbered pieces; the calling thread takes part as
 * worker 0. Callers choose the split themselves and must make each piece's result independent of which worker ran
 * it: then results are bit-identical for any thread count.
 *
 * <p>Workers spin briefly after a job (the next one usually follows within microseconds) and then park.
 * Not re-entrant: a task must not call {@code run} on the same pool.
 */
public final class Parallel implements AutoCloseable {

    /** One numbered piece of a parallel job. {@code worker} is in [0, threads) and indexes per-thread scratch. */
    @FunctionalInterface
    public interface Task {
        void run(int task, int worker);
    }

    private static volatile Parallel shared;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger nextTask = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile Task job;
    private volatile int jobTasks;
    private volatile boolean closed;
    private volatile Throwable failure;
    private final Thread[] parked;

    private static final long SPIN_NANOS = 200_000L;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            final int id = i + 1;
            Thread t = new Thread(() -> workerLoop(id), "crl4j-worker-" + id);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** The process-wide pool, sized by {@code -Dcrl4j.threads} or else the number of available processors. */
    public static Parallel shared() {
        Parallel p = shared;
        if (p == null) {
            synchronized (Parallel.class) {
                p = shared;
                if (p == null) {
                    int n = Integer.getInteger("crl4j.threads", Runtime.getRuntime().availableProcessors());
                    p = new Parallel(Math.max(1, n));
                    shared = p;
                }
            }
        }
        return p;
    }

    /** Replaces the process-wide pool (for the CLI's {@code --threads}). */
    public static synchronized void setShared(int threads) {
        Parallel old = shared;
        if (old != null && old.threads == threads) {
            return;
        }
        shared = new Parallel(threads);
        if (old != null) {
            old.close();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task.run(i, worker)} for every i in [0, tasks), spread over the pool; returns when all are done. */
    public void run(int tasks, Task task) {
        if (tasks <= 0) {
            return;
        }
        if (threads == 1 || tasks == 1) {
            for (int i = 0; i < tasks; i++) {
                task.run(i, 0);
            }
            return;
        }
        job = task;
        jobTasks = tasks;
        failure = null;
        nextTask.set(0);
        pending.set(workers.length);
        generation++; // publishes job, jobTasks (volatile write after them)
        for (int i = 0; i < parked.length; i++) {
            Thread t = parked[i];
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        try {
            drain(task, tasks, 0);
        } catch (Throwable e) {
            failure = e;
        }
        while (pending.get() != 0) {
            Thread.onSpinWait();
        }
        job = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error er) {
                throw er;
            }
            throw new RuntimeException(f);
        }
    }

    private void drain(Task task, int tasks, int worker) {
        int i;
        while ((i = nextTask.getAndIncrement()) < tasks) {
            task.run(i, worker);
        }
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (true) {
            long spinStart = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked[id - 1] = Thread.currentThread();
                    if (generation == seen && !closed) {
                        LockSupport.parkNanos(this, 1_000_000L);
                    }
                    parked[id - 1] = null;
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            Task t = job;
            try {
                if (t != null) {
                    drain(t, jobTasks, id);
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
