package io.greenhouse.backend;

/** The root filesystem of a container: empty for the cell's default, a local path, or an image URI. */
public record ImageRef(String uri, String username, String password) {
    public static final ImageRef DEFAULT = new ImageRef("", "", "");

    public ImageRef {
        uri = uri == null ? "" : uri;
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    public boolean isDefault() {
        return uri.isEmpty();
    }

    @Override
    public String toString() {
        return "ImageRef[uri=" + uri + ", username=" + username + "]";
    }
}
