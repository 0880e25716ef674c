package org.crl4j.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Sends files one after another, in the order given, and reports once which arrived. One at a time, because the
 * order is what keeps the receiving copy of a run directory resumable at every moment (see
 * {@code RunDirectory.filesToCopy}): the resume state must not land before the metrics it continues.
 */
public final class FileBatch {
    private FileBatch() {
    }

    public record Item(Path file, String name) {
    }

    /** The names that arrived and those that did not, in order; {@code problem} is the first failure's reason. */
    public record Result(String job, long lease, List<String> sent, List<String> failed, String problem) {
        public boolean ok() {
            return failed.isEmpty();
        }
    }

    /**
     * @param stopAtFirstFailure true when a later file must not arrive without an earlier one (a run handed over
     *                           for resumption); false for a worker's periodic copy, which retries what failed
     */
    public static Behavior<FileTransfer.UploadResult> create(List<Item> items, String job, long lease,
                                                             ActorRef<FileTransfer.Offer> to, int chunkSize, int window,
                                                             boolean stopAtFirstFailure, ActorRef<Result> replyTo) {
        return Behaviors.setup(ctx -> {
            List<String> sent = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            String[] problem = {null};
            int[] next = {0};
            Runnable sendNext = () -> {
                Item item = items.get(next[0]);
                ctx.spawnAnonymous(FileTransfer.sender(item.file(), item.name(), job, lease, to, chunkSize, window,
                        FileTransfer.Faults.NONE, ctx.getSelf()));
            };
            if (items.isEmpty()) {
                replyTo.tell(new Result(job, lease, List.of(), List.of(), null));
                return Behaviors.stopped();
            }
            sendNext.run();
            return Behaviors.receiveMessage(r -> {
                String name = items.get(next[0]).name();
                if (r.ok()) {
                    sent.add(name);
                } else {
                    failed.add(name);
                    if (problem[0] == null) {
                        problem[0] = name + ": " + r.message();
                    }
                }
                next[0]++;
                if (next[0] == items.size() || (!r.ok() && stopAtFirstFailure)) {
                    for (int i = next[0]; i < items.size(); i++) {
                        failed.add(items.get(i).name());
                    }
                    replyTo.tell(new Result(job, lease, List.copyOf(sent), List.copyOf(failed), problem[0]));
                    return Behaviors.stopped();
                }
                sendNext.run();
                return Behaviors.same();
            });
        });
    }
}
