package dev.pledge.rpc;

import dev.pledge.core.Check;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.meta_data.FieldMetaData;
import org.apache.thrift.meta_data.StructMetaData;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Methods served without a worker thread: the hot path of a node (a coordinator's commit, a
 * participant's exchange). The io thread reads the arguments and starts the handler, which must
 * not block: it hands the work to the node's loop and returns a future. Whichever thread completes
 * that future (usually the node's log writer, once the answer is durable) writes the reply. Every
 * other method runs on a worker, as before. Compared with a worker, this saves two hand-overs
 * between threads per request: io thread to worker, and the completing thread back to the worker.
 *
 * <p>Replies match Thrift's own processors: a declared exception goes in its field of the
 * method's result struct; anything else is a bug, answered INTERNAL_ERROR and logged at ERROR.
 */
public final class InlineMethods {
    private static final Logger log = LoggerFactory.getLogger(InlineMethods.class);

    /** Starts the work of one call; never blocks. The future's value is the method's return value. */
    public interface Handler<A> {
        CompletableFuture<?> start(A args) throws TException;
    }

    /** One registered method: how to read its arguments, start it, and write its result. */
    static final class Method<A, R extends TBase<R, F>, F extends TFieldIdEnum> {
        private final String name;
        private final Supplier<A> args;
        private final Supplier<R> result;
        private final Handler<A> handler;

        private Method(String name, Supplier<A> args, Supplier<R> result, Handler<A> handler) {
            this.name = name;
            this.args = args;
            this.result = result;
            this.handler = handler;
        }

        String name() {
            return name;
        }

        /** Reads this method's arguments (the message header already read). */
        A readArgs(TProtocol in) throws TException {
            A a = args.get();
            ((TBase<?, ?>) a).read(in);
            in.readMessageEnd();
            return a;
        }

        /** Starts the call; the future fails only with what {@link #writeReply} answers as an exception. */
        CompletableFuture<?> start(A a) {
            try {
                return handler.start(a);
            } catch (TException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** Writes the reply message of a finished call: its value, its declared exception, or INTERNAL_ERROR. */
        void writeReply(TProtocol out, int seqid, Object value, Throwable failure) throws TException {
            R r = result.get();
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause == null) {
                r.setFieldValue(r.fieldForId(0), value);
            } else if (!(cause instanceof TException declared && setDeclared(r, declared))) {
                log.error("Internal error processing {}", name, cause);
                out.writeMessageBegin(new TMessage(name, TMessageType.EXCEPTION, seqid));
                new TApplicationException(TApplicationException.INTERNAL_ERROR, "Internal error processing " + name).write(out);
                out.writeMessageEnd();
                return;
            }
            out.writeMessageBegin(new TMessage(name, TMessageType.REPLY, seqid));
            r.write(out);
            out.writeMessageEnd();
        }

        /** Puts {@code e} in the result field declared for its type; false if the method declares no such exception. */
        private boolean setDeclared(R r, TException e) {
            @SuppressWarnings("unchecked")
            Class<R> type = (Class<R>) r.getClass();
            for (Map.Entry<? extends TFieldIdEnum, FieldMetaData> f : FieldMetaData.getStructMetaDataMap(type).entrySet()) {
                if (f.getValue().valueMetaData instanceof StructMetaData s && s.structClass == e.getClass()) {
                    @SuppressWarnings("unchecked")
                    F field = (F) f.getKey();
                    r.setFieldValue(field, e);
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, Method<?, ?, ?>> methods = new HashMap<>();

    public static InlineMethods none() {
        return new InlineMethods();
    }

    /**
     * Serves {@code service}'s {@code method} inline. {@code args} and {@code result} make the
     * generated {@code method_args} and {@code method_result} structs.
     */
    public <A extends TBase<A, ?>, R extends TBase<R, F>, F extends TFieldIdEnum> InlineMethods add(
            String service, String method, Supplier<A> args, Supplier<R> result, Handler<A> handler) {
        Check.notNull(handler, "handler");
        String name = service + ":" + method;
        Check.argument(!methods.containsKey(name), "%s is registered twice", name);
        methods.put(name, new Method<>(method, args, result, handler));
        return this;
    }

    /** The method a request names (service-prefixed, as the multiplexed protocol sends it), or null. */
    Method<?, ?, ?> find(String messageName) {
        return methods.get(messageName);
    }

    boolean isEmpty() {
        return methods.isEmpty();
    }
}
