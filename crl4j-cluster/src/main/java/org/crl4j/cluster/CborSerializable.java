package org.crl4j.cluster;

/**
 * Marker for every message that may cross a node boundary. {@link ClusterConfig} binds it to Pekko's
 * {@code jackson-cbor} serializer; Java serialization stays off (Pekko's default).
 */
public interface CborSerializable {
}
