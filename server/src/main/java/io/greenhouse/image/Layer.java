package io.greenhouse.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * One layer to bring into the store.
 *
 * @param id its name in the store: the blob digest's hex, or a key for a local tarball
 * @param blobDigest what the blob must hash to, null for a local tarball (not verified)
 * @param compression how the blob is compressed, null to sniff it
 * @param diffId what the uncompressed tar must hash to (the config's diff_ids), null if unknown
 * @param blob opens the blob; called again for each try
 */
record Layer(String id, Digest blobDigest, Compression compression, Digest diffId, Blob blob) {

    interface Blob {
        InputStream open() throws IOException;
    }
}
