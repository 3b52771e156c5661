package io.greenhouse.api.wire;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The Go type a numeric field has in Garden's structs, so the API refuses what Go's decoder
 * refuses (a negative number for a uint32, 70000 for a uint16) instead of reading it into a Java
 * long. Components without it are int64.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface GoType {
    Kind value();

    enum Kind {
        UINT8("uint8", 0, 255),
        UINT16("uint16", 0, 65535),
        UINT32("uint32", 0, 4294967295L),
        /** Read as a Java long: values above Long.MAX_VALUE (no limit in practice) are clamped. */
        UINT64("uint64", 0, Long.MAX_VALUE),
        /** Read as the unsigned value's bits (2^64-1 is -1L): rlimits, where the kernel's RLIM_INFINITY is all ones. */
        UINT64_BITS("uint64", 0, -1),
        INT32("int32", Integer.MIN_VALUE, Integer.MAX_VALUE),
        INT64("int64", Long.MIN_VALUE, Long.MAX_VALUE);

        public final String goName;
        public final long min;
        public final long max;

        Kind(String goName, long min, long max) {
            this.goName = goName;
            this.min = min;
            this.max = max;
        }
    }
}
