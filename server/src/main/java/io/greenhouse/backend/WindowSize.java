package io.greenhouse.backend;

/** A terminal's size in characters; a zero means the default (80 columns, 24 rows). */
public record WindowSize(int columns, int rows) {
    public static final WindowSize DEFAULT = new WindowSize(80, 24);

    public WindowSize orDefault() {
        return new WindowSize(columns > 0 ? columns : DEFAULT.columns, rows > 0 ? rows : DEFAULT.rows);
    }
}
