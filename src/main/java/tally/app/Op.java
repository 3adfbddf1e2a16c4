package tally.app;

/**
 * One use-case call as the REST API exposes it: {@code POST /api/<name>} with a JSON {@code request},
 * answered with a JSON {@code result}. The CLI calls it the same way, in process or over HTTP.
 */
public abstract class Op<Q, R> {
    /** What a result is made of: one {@code result} object, a list of them, or a map of them by name. */
    public enum Shape { ONE, LIST, MAP }

    private final String name;
    private final Class<Q> request;
    private final Class<?> result;
    private final Shape shape;

    protected Op(String name, Class<Q> request, Class<?> result) {
        this(name, request, result, Shape.ONE);
    }

    protected Op(String name, Class<Q> request, Class<?> result, Shape shape) {
        this.name = name;
        this.request = request;
        this.result = result;
        this.shape = shape;
    }

    public String name() {
        return name;
    }

    public Class<Q> request() {
        return request;
    }

    /** What each result is; {@link #shape} says whether one, a list or a map of them. */
    public Class<?> resultClass() {
        return result;
    }

    public Shape shape() {
        return shape;
    }

    public String path() {
        return "/api/" + name;
    }

    public abstract R run(App app, Q q);

    @Override
    public String toString() {
        return name;
    }
}
