package memcgspec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import memcgspec.tla.Catalogue;
import memcgspec.tla.Expectation;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
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

    /** Progress lines go to stderr, and only on a terminal, so that piped output stays clean. */
    static void progress(String line) {
        if (System.console() != null) System.err.println("  .. " + line);
    }

    static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1f", s);
    }
}
