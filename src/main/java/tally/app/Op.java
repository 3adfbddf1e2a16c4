package tally.app;

import com.fasterxml.jackson.databind.JavaType;

import java.util.function.BiFunction;

/**
 * One use-case call as the REST API exposes it: {@code POST /api/<name>} with a JSON {@code request},
 * answered with a JSON {@code result}. The CLI calls it the same way, in process or over HTTP.
 */
public record Op<Q, R>(String name, Class<Q> request, JavaType result, BiFunction<App, Q, R> call) {
    public String path() {
        return "/api/" + name;
    }

    public R run(App app, Q q) {
        return call.apply(app, q);
    }
}
