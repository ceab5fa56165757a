package memcgspec.conform;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.URISyntaxException;
import memcgspec.tla.StateGraph;

/** Where the toy specs are, and how tests open them. */
public final class Toy {
    private Toy() {}

    public static Path dir() {
        try {
            return Paths.get(Toy.class.getResource("/conform-toy/Counter.tla").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens and explores a toy model; close it (one spec per JVM at a time). */
    public static StateGraph graph(String module, String cfg) {
        return StateGraph.explore(dir(), module, dir().resolve(cfg), 1_000_000);
    }
}
