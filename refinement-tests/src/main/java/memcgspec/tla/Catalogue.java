package memcgspec.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The catalogue ({@code spec/catalogue}): ONE list of model runs, read by the CLI, the tests and the docs.
 * See the file's header for the format: '#' comments, blank lines, and one model a line in nine
 * '|'-separated columns: name | spec | cfg | expect | states | depth | size | commit | description, where states
 * and depth are TLC's figures for the run ('-': not recorded). Loading only parses; whether the spec and cfg files
 * exist is checked when a model is run.
 */
public final class Catalogue {
    public static final String FILE_NAME = "catalogue";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern SPEC = Pattern.compile("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*");
    private static final Pattern CFG = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.cfg");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{12}|-");
    private static final Pattern FIGURE = Pattern.compile("0|[1-9][0-9]{0,17}|-");

    private final Path specDir;
    private final Path file;
    private final Map<String, CatalogueEntry> models;

    private Catalogue(Path specDir, Path file, Map<String, CatalogueEntry> models) {
        this.specDir = specDir;
        this.file = file;
        this.models = Collections.unmodifiableMap(models);
    }

    /** Loads {@code <specDir>/catalogue}. @throws UserError when missing or malformed */
    public static Catalogue load(Path specDir) {
        return load(specDir, specDir.resolve(FILE_NAME));
    }

    /** Loads a catalogue file whose spec and cfg columns are relative to {@code specDir}. */
    public static Catalogue load(Path specDir, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("catalogue not found: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read the catalogue " + file + ": " + e.getMessage(), e);
        }
        Map<String, CatalogueEntry> models = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int lineNo = i + 1;
            CatalogueEntry m = parseLine(line, file, lineNo);
            Integer first = lineOf.putIfAbsent(m.name(), lineNo);
            if (first != null) {
                throw new UserError(file + ":" + lineNo + ": duplicate model name '" + m.name()
                        + "' (first on line " + first + ")");
            }
            models.put(m.name(), m);
        }
        return new Catalogue(specDir.toAbsolutePath().normalize(), file, models);
    }

    private static CatalogueEntry parseLine(String line, Path file, int lineNo) {
        // The description is the last column, so it may itself contain '|'.
        String[] c = line.split("\\|", 9);
        if (c.length != 9) {
            throw bad(file, lineNo, "expected 9 columns separated by '|', found " + c.length);
        }
        for (int j = 0; j < c.length; j++) c[j] = c[j].strip();
        String name = c[0], spec = c[1], cfg = c[2], states = c[4], depth = c[5], size = c[6], commit = c[7], description = c[8];
        if (!NAME.matcher(name).matches()) throw bad(file, lineNo, "bad model name '" + name + "' (lower-case letters, digits, '-', '_', '.')");
        if (spec.endsWith(".tla")) throw bad(file, lineNo, "spec '" + spec + "' must be given without .tla");
        if (!SPEC.matcher(spec).matches()) throw bad(file, lineNo, "bad spec '" + spec + "' (a module path relative to spec/)");
        if (!CFG.matcher(cfg).matches()) throw bad(file, lineNo, "bad cfg '" + cfg + "' (a .cfg file relative to spec/)");
        Expectation expect;
        try {
            expect = Expectation.parse(c[3]);
        } catch (IllegalArgumentException e) {
            throw bad(file, lineNo, e.getMessage());
        }
        if (!FIGURE.matcher(states).matches()) throw bad(file, lineNo, "states must be TLC's distinct states (digits) or -, found '" + states + "'");
        if (!FIGURE.matcher(depth).matches()) throw bad(file, lineNo, "depth must be TLC's depth (digits) or -, found '" + depth + "'");
        if (!size.equals("ci") && !size.equals("deep")) throw bad(file, lineNo, "size must be ci or deep, found '" + size + "'");
        if (!COMMIT.matcher(commit).matches()) throw bad(file, lineNo, "commit must be 12 lower-case hex digits or -, found '" + commit + "'");
        if (description.isEmpty()) throw bad(file, lineNo, "empty description");
        return new CatalogueEntry(name, spec, cfg, expect, figure(states), figure(depth), size, commit, description);
    }

    private static long figure(String s) {
        return s.equals("-") ? CatalogueEntry.NOT_RECORDED : Long.parseLong(s);
    }

    private static UserError bad(Path file, int lineNo, String why) {
        return new UserError(file + ":" + lineNo + ": malformed catalogue line: " + why);
    }

    /** The folder the spec and cfg columns are relative to. */
    public Path specDir() {
        return specDir;
    }

    public Path file() {
        return file;
    }

    /** Every model, in catalogue order. */
    public List<CatalogueEntry> all() {
        return List.copyOf(models.values());
    }

    /** The models of size {@code ci}, in catalogue order. */
    public List<CatalogueEntry> ci() {
        return all().stream().filter(CatalogueEntry::ci).toList();
    }

    /** @throws UserError for an unknown name */
    public CatalogueEntry byName(String name) {
        CatalogueEntry m = models.get(name);
        if (m == null) throw new UserError("unknown model '" + name + "' (see memcg-spec list)");
        return m;
    }

    /**
     * The models a command works on: the named ones (in the order given, duplicates dropped; the size does
     * not matter then), or with no names every {@code ci} model, or every {@code deep} model when
     * {@code deep} is set.
     */
    public List<CatalogueEntry> select(List<String> names, boolean deep) {
        if (names == null || names.isEmpty()) {
            String size = deep ? "deep" : "ci";
            return all().stream().filter(m -> m.size().equals(size)).toList();
        }
        List<CatalogueEntry> out = new ArrayList<>();
        for (String n : new LinkedHashSet<>(names)) out.add(byName(n));
        return List.copyOf(out);
    }
}
