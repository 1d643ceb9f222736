package dev.pledge.fuzz;

import dev.pledge.rpc.Endpoint;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import org.apache.thrift.TBase;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.meta_data.FieldMetaData;

/**
 * One Thrift service as a node serves it: where, under which multiplexed name, and its methods as
 * the generated code describes them ({@code <method>_args} and {@code <method>_result} classes).
 *
 * @param sockets makes the connections an input travels on: plain TCP, or TLS with the fuzzer's certificate
 */
record FuzzTarget(String node, Endpoint endpoint, SocketFactory sockets, String service, List<Method> methods) {

    /** One method: its name, the struct its arguments travel in, and the struct its answer comes in. */
    record Method(String name, Class<? extends TBase<?, ?>> args, Class<? extends TBase<?, ?>> result) {}

    /** The target for the generated service class {@code serviceClass} (e.g. {@code Kv.class}). */
    static FuzzTarget of(String node, Endpoint endpoint, SocketFactory sockets, String service, Class<?> serviceClass) {
        List<Method> methods = Arrays.stream(serviceClass.getDeclaredClasses())
                .filter(c -> c.getSimpleName().endsWith("_args"))
                .sorted(Comparator.comparing(Class::getSimpleName)) // declared order is not specified; seeds must replay
                .map(args -> method(serviceClass, args))
                .toList();
        if (methods.isEmpty()) throw new IllegalArgumentException(serviceClass + " has no methods");
        return new FuzzTarget(node, endpoint, sockets, service, methods);
    }

    @SuppressWarnings("unchecked")
    private static Method method(Class<?> serviceClass, Class<?> args) {
        String name = args.getSimpleName().substring(0, args.getSimpleName().length() - "_args".length());
        Class<?> result = Arrays.stream(serviceClass.getDeclaredClasses())
                .filter(c -> c.getSimpleName().equals(name + "_result"))
                .findFirst()
                .orElse(null); // a oneway method has none
        return new Method(name, (Class<? extends TBase<?, ?>>) args, (Class<? extends TBase<?, ?>>) result);
    }

    /** The fields of a generated struct class, in field-id order, as its {@code metaDataMap} gives them. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Map<? extends TFieldIdEnum, FieldMetaData> fieldsOf(Class<?> struct) {
        return FieldMetaData.getStructMetaDataMap((Class) struct);
    }

    String label() {
        return node + " " + service;
    }
}
