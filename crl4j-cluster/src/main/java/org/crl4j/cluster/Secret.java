package org.crl4j.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret. The secret itself never travels: the coordinator sends a fresh random nonce to
 * each worker it discovers and the worker answers with HMAC-SHA256(secret, nonce | worker path | slots).
 */
public final class Secret {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] key;

    public Secret(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the cluster secret must not be empty");
        }
        this.key = secret.getBytes(StandardCharsets.UTF_8);
    }

    public static String newNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public String sign(String nonce, String workerPath, int slots) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String text = "crl4j-cluster/v1|" + nonce + "|" + workerPath + "|" + slots;
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Constant-time comparison of the expected and the presented HMAC. */
    public boolean verify(String nonce, String workerPath, int slots, String presented) {
        if (presented == null) {
            return false;
        }
        byte[] expected = sign(nonce, workerPath, slots).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }
}
