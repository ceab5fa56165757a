package memcgspec.tla;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One line of the catalogue: one TLC model run.
 *
 * @param name        unique, lower-case model name used on the command line
 * @param spec        root module relative to spec/, without .tla (e.g. {@code history/SwapinCharge2009})
 * @param cfg         TLC configuration file relative to spec/
 * @param expect      expected outcome
 * @param size        {@code ci} or {@code deep}
 * @param commit      kernel commit (12 hex digits) or {@code -}
 * @param description one line of free text
 */
public record CatalogueEntry(String name, String spec, String cfg, Expectation expect, String size, String commit,
                   String description) {
    public CatalogueEntry {
        Objects.requireNonNull(name);
        Objects.requireNonNull(spec);
        Objects.requireNonNull(cfg);
        Objects.requireNonNull(expect);
        Objects.requireNonNull(size);
        Objects.requireNonNull(commit);
        Objects.requireNonNull(description);
    }

    /** The root module's file, {@code <specDir>/<spec>.tla}. */
    public Path moduleFile(Path specDir) {
        return specDir.resolve(spec + ".tla");
    }

    /** The configuration file, {@code <specDir>/<cfg>}. */
    public Path cfgFile(Path specDir) {
        return specDir.resolve(cfg);
    }

    /** The root module's name: the last path segment of {@link #spec}. */
    public String moduleName() {
        int slash = spec.lastIndexOf('/');
        return slash < 0 ? spec : spec.substring(slash + 1);
    }

    public boolean ci() {
        return size.equals("ci");
    }
}
