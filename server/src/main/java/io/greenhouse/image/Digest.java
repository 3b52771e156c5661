package io.greenhouse.image;

import io.greenhouse.backend.GardenException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as registries and OCI layouts name blobs: {@code sha256:<64 hex>} or
 * {@code sha512:<128 hex>}. Its hex form is safe as a file name, which the layer store relies on.
 */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        boolean ok = switch (algorithm == null ? "" : algorithm) {
            case "sha256" -> hex != null && SHA256.matcher(hex).matches();
            case "sha512" -> hex != null && SHA512.matcher(hex).matches();
            default -> false;
        };
        if (!ok) {
            throw new GardenException("bad digest " + algorithm + ":" + hex
                    + ": expected sha256:<64 lower-case hex> or sha512:<128 lower-case hex>");
        }
    }

    public static Digest parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 0) {
            throw new GardenException("bad digest " + text + ": expected sha256:<hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    public MessageDigest newMessageDigest() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code computed} (the raw digest of the content) is this digest. */
    public boolean matches(byte[] computed) {
        return MessageDigest.isEqual(HexFormat.of().parseHex(hex), computed);
    }

    /** A name for files and directories: the hex, prefixed for sha512 so the two never collide. */
    public String fileName() {
        return algorithm.equals("sha256") ? hex : algorithm + "-" + hex;
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
