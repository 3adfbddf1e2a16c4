package tally.app;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One use-case call as the REST API exposes it: {@code POST /api/<name>} with a JSON {@code request},
 * answered with a JSON {@code result}. The CLI calls it the same way, in process or over HTTP.
 */
// The result type is made from a TypeFactory when asked: a command that runs in process never starts Jackson for it.
public record Op<Q, R>(String name, Class<Q> request, Function<TypeFactory, JavaType> resultType, BiFunction<App, Q, R> call) {
    public JavaType result(TypeFactory types) {
        return resultType.apply(types);
    }

    public String path() {
        return "/api/" + name;
    }

    public R run(App app, Q q) {
        return call.apply(app, q);
    }
}
