package org.crl4j.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A persistent pool of worker threads with a cheap hand-off, for the many small parallel loops of a training step
 * (a 512×256×256 GEMM takes ~0.2 ms, so starting tasks through an ExecutorService would cost more than the work).
 *
 * <p>{@link #run(int, Task)} splits work into {@code tasks} numbered pieces; the calling thread takes part as
 * worker 0. Callers choose the split themselves and must make each piece's result independent of which worker ran
 * it: then results are bit-identical for any thread count.
 *
 * <p>Hand-off: the caller publishes the job by bumping a generation counter that shares one atomic word with the
 * next-task index, so workers claim tasks with one CAS and a late worker can never claim a task of a newer job. The
 * caller returns as soon as every task has finished; it never waits for a worker that found nothing left to do.
 * Workers spin briefly after a job (the next one usually follows within microseconds) and then park.
 *
 * <p>Robustness: a nested call (from inside a task, on any thread of this pool) runs its tasks inline on the calling
 * thread, with the caller's worker index, so per-worker scratch of the enclosing task may be shared with it. Calls
 * from several unrelated threads at once are serialised.
 */
public final class Parallel implements AutoCloseable {

    /** One numbered piece of a parallel job. {@code worker} is in [0, threads) and indexes per-thread scratch. */
    @FunctionalInterface
    public interface Task {
        void run(int task, int worker);
    }

    private static volatile Parallel shared;

    /** A pool of one: runs everything on the calling thread (for kernels called from inside a parallel task). */
    public static final Parallel CALLER = new Parallel(1);

    /** How long an idle worker busy-waits for the next job before it parks. */
    private static final long SPIN_NANOS = 100_000L;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock callerLock = new ReentrantLock();

    /** (generation << 32) | index of the next unclaimed task of the current job. */
    private final AtomicLong cursor = new AtomicLong();
    /** Tasks of the current job that have finished (successfully or not). */
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Task job;

    // The cursor packs generation (24 bits) | task count (20 bits) | next task index (20 bits) into one atomic
    // word, so a worker reads a job's count and its claim position in one read. (Reading the count from a field of
    // its own once let a worker pair a finished job's null task with the next job's count and claim a phantom task.)
    private static final int INDEX_BITS = 20;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final long GENERATION_MASK = (1L << 24) - 1;
    /** Most tasks one {@link #run} can take. */
    public static final int MAX_TASKS = (int) INDEX_MASK;

    private static long generationOf(long s) {
        return s >>> (2 * INDEX_BITS);
    }

    private static int tasksOf(long s) {
        return (int) ((s >>> INDEX_BITS) & INDEX_MASK);
    }
    private volatile Throwable failure;
    private volatile boolean closed;
    /** The thread inside {@link #run} right now (for detecting nested calls), or null. */
    private volatile Thread caller;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
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
        if (tasks > MAX_TASKS) {
            throw new IllegalArgumentException("at most " + MAX_TASKS + " tasks per run, got " + tasks);
        }
        Thread me = Thread.currentThread();
        if (threads == 1 || tasks == 1 || closed) {
            runInline(tasks, task, 0);
            return;
        }
        if (me instanceof Worker w && w.pool == this) {
            runInline(tasks, task, w.id);
            return;
        }
        if (caller == me) {
            runInline(tasks, task, 0);
            return;
        }
        callerLock.lock();
        caller = me;
        try {
            job = task;
            failure = null;
            finished.set(0);
            long generation = (generationOf(cursor.get()) + 1) & GENERATION_MASK;
            // volatile write: publishes the job to the workers
            cursor.set((generation << (2 * INDEX_BITS)) | ((long) tasks << INDEX_BITS));
            for (Worker w : workers) {
                if (w.sleeping) {
                    LockSupport.unpark(w);
                }
            }
            claimAndRun(generation, 0);
            while (finished.get() < tasks) {
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
        } finally {
            caller = null;
            callerLock.unlock();
        }
    }

    private static void runInline(int tasks, Task task, int worker) {
        for (int i = 0; i < tasks; i++) {
            task.run(i, worker);
        }
    }

    /**
     * Claims and runs tasks of job {@code generation} until none is left. A successful CAS on the cursor proves the
     * job was still current when the task was claimed, so the job fields read just before belong to it.
     */
    private void claimAndRun(long generation, int worker) {
        while (true) {
            long s = cursor.get();
            if (generationOf(s) != generation) {
                return;
            }
            Task t = job; // if the claim below succeeds, this job was still running, so t is its task
            int i = (int) (s & INDEX_MASK);
            if (i >= tasksOf(s)) {
                return;
            }
            if (!cursor.compareAndSet(s, s + 1)) {
                continue;
            }
            try {
                if (failure == null) {
                    t.run(i, worker);
                }
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            } finally {
                finished.incrementAndGet();
            }
        }
    }

    private void workerLoop(Worker self) {
        long seen = 0;
        while (!closed) {
            long generation = generationOf(cursor.get());
            if (generation != seen) {
                claimAndRun(generation, self.id);
                seen = generation;
                continue;
            }
            long spinStart = System.nanoTime();
            while (generationOf(cursor.get()) == seen && !closed) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    self.sleeping = true; // volatile write, then re-read the cursor: no lost wake-up
                    if (generationOf(cursor.get()) == seen && !closed) {
                        LockSupport.park(this);
                    }
                    self.sleeping = false;
                    spinStart = System.nanoTime();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private static final class Worker extends Thread {
        final Parallel pool;
        final int id;
        volatile boolean sleeping;

        Worker(Parallel pool, int id) {
            super("crl4j-worker-" + id);
            this.pool = pool;
            this.id = id;
            setDaemon(true);
        }

        @Override
        public void run() {
            pool.workerLoop(this);
        }
    }
}
