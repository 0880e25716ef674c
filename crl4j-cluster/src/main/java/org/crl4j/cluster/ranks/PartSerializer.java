package org.crl4j.cluster.ranks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * The wire format of {@link RankMessages.Part}: a 25-byte header and the floats, written straight into (and read
 * straight out of) Artery's envelope buffer. Jackson-CBOR copied each chunk three times more on the way out (its byte
 * builder, the array it returns, Artery's buffer) and twice on the way in; on loopback the copies, not the network,
 * were the all-reduce's cost. Bound in crl4j-cluster's reference.conf, so every node that has the class has the
 * binding.
 */
public final class PartSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
    /** Pekko reserves 0..40. */
    public static final int ID = 1616;
    private static final String CONTRIBUTION = "C";
    private static final String MEAN = "M";
    private static final int HEADER = Long.BYTES + 1 + 4 * Integer.BYTES;
    private static final GradientReducer.Group[] GROUPS = GradientReducer.Group.values();

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public String manifest(Object o) {
        return o instanceof RankMessages.Contribution ? CONTRIBUTION : MEAN;
    }

    @Override
    public void toBinary(Object o, ByteBuffer buf) {
        RankMessages.Part p = (RankMessages.Part) o;
        ByteOrder order = buf.order();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(p.round()).put((byte) p.group().ordinal()).putInt(p.length()).putInt(p.chunk())
                .putInt(p.from()).putInt(p.data().length);
        buf.asFloatBuffer().put(p.data());
        buf.position(buf.position() + p.data().length * Float.BYTES);
        buf.order(order);
    }

    @Override
    public byte[] toBinary(Object o) {
        RankMessages.Part p = (RankMessages.Part) o;
        ByteBuffer buf = ByteBuffer.allocate(HEADER + p.data().length * Float.BYTES);
        toBinary(o, buf);
        return buf.array();
    }

    @Override
    public Object fromBinary(ByteBuffer buf, String manifest) {
        ByteOrder order = buf.order();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        long round = buf.getLong();
        GradientReducer.Group group = GROUPS[buf.get()];
        int length = buf.getInt();
        int chunk = buf.getInt();
        int from = buf.getInt();
        float[] data = new float[buf.getInt()];
        buf.asFloatBuffer().get(data);
        buf.position(buf.position() + data.length * Float.BYTES);
        buf.order(order);
        return CONTRIBUTION.equals(manifest) ? new RankMessages.Contribution(round, group, length, chunk, from, data)
                : new RankMessages.Mean(round, group, length, chunk, from, data);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) {
        return fromBinary(ByteBuffer.wrap(bytes), manifest);
    }
}
