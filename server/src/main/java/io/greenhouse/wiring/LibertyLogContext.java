package io.greenhouse.wiring;

import io.greenhouse.backend.LogContext;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link LogContext} over Liberty's {@code com.ibm.websphere.logging.hpel.LogRecordContext}
 * (exported to applications as ibm-api): a thread's extensions become the fields
 * {@code ext_handle} and {@code ext_processId} of each line it logs in JSON format. The class is
 * looked up at run time because no Maven artifact of this Liberty's API carries it; without it
 * (outside Liberty) nothing is added.
 */
final class LibertyLogContext implements LogContext {
    static final String HANDLE = "handle";
    static final String PROCESS_ID = "processId";
    private static final Logger LOG = Logger.getLogger(LibertyLogContext.class.getName());

    private final MethodHandle add;
    private final MethodHandle remove;
    private final ThreadLocal<String[]> current = ThreadLocal.withInitial(() -> new String[2]);

    private LibertyLogContext(MethodHandle add, MethodHandle remove) {
        this.add = add;
        this.remove = remove;
    }

    /** Liberty's log record context, or {@link LogContext#NONE} where there is none. */
    static LogContext find(ClassLoader loader) {
        try {
            Class<?> type = Class.forName("com.ibm.websphere.logging.hpel.LogRecordContext", true, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new LibertyLogContext(
                    lookup.findStatic(type, "addExtension", MethodType.methodType(void.class, String.class, String.class)),
                    lookup.findStatic(type, "removeExtension", MethodType.methodType(boolean.class, String.class)));
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.FINE, "no Liberty log record context: lines carry no container fields", e);
            return LogContext.NONE;
        }
    }

    @Override
    public void enter(String handle, String processId) {
        set(HANDLE, handle);
        set(PROCESS_ID, processId);
        current.set(new String[] {handle, processId});
    }

    @Override
    public void clear() {
        enter(null, null);
    }

    @Override
    public Runnable carrying(Runnable task) {
        String[] fields = current.get().clone();
        if (fields[0] == null && fields[1] == null) {
            return task;
        }
        return () -> {
            enter(fields[0], fields[1]);
            try {
                task.run();
            } finally {
                clear();
            }
        };
    }

    private void set(String key, String value) {
        try {
            if (value == null) {
                boolean ignored = (boolean) remove.invokeExact(key);
            } else {
                add.invokeExact(key, value);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("log record context: " + e, e);
        }
    }
}
