package memcgspec.tla;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project root: the folder holding {@code spec/catalogue}. In order: the system property
 * {@code memcgspec.root} (Surefire sets it to the reactor root), the environment variable
 * {@code MEMCG_SPEC_ROOT}, else the nearest ancestor of the current directory (itself included) that
 * holds {@code spec/catalogue}.
 */
public final class SpecRoot {
    public static final String PROPERTY = "memcgspec.root";
    public static final String ENV = "MEMCG_SPEC_ROOT";

    private SpecRoot() {}

    /** The project root, absolute and normalised. @throws UserError when it cannot be found */
    public static Path root() {
        return find(System.getProperty(PROPERTY), System.getenv(ENV), Path.of(""));
    }

    /** {@link #root()} with its inputs given: the property's and the variable's values (or null), the start folder. */
    static Path find(String prop, String env, Path cwd) {
        if (prop != null && !prop.isBlank()) return checked(Path.of(prop), "system property " + PROPERTY);
        if (env != null && !env.isBlank()) return checked(Path.of(env), "environment variable " + ENV);
        Path start = cwd.toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("spec").resolve("catalogue"))) return p;
        }
        throw new UserError("cannot find the memcg-spec project (a folder holding spec/catalogue) above "
                + start + "; run inside the project or set " + ENV);
    }

    /** {@code <root>/spec}: the TLA+ modules, their .cfg files and the catalogue. */
    public static Path specDir() {
        return root().resolve("spec");
    }

    /** {@code <root>/target}: scratch space (TLC metadirs go to {@code target/tlc}). */
    public static Path targetDir() {
        return root().resolve("target");
    }

    private static Path checked(Path p, String source) {
        Path abs = p.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs.resolve("spec").resolve("catalogue"))) {
            throw new UserError(source + " names " + abs + ", which holds no spec/catalogue");
        }
        return abs;
    }
}
