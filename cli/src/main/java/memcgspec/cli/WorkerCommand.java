package memcgspec.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import memcgspec.tla.ChildProcesses;
import memcgspec.tla.DistributedTlc;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.TlaTools;
import memcgspec.tla.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * worker: a TLCWorker (TLC 2.18, in a forked JVM) for a server started with {@code check --distributed
 * --remote-workers} on HOST. It runs until the server's check ends; a worker that cannot reach the server is bad input.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a distributed-TLC worker (TLC 2.18's TLCWorker, in a forked JVM) for the server that "
                + "'memcg-spec check MODEL --distributed --remote-workers' runs on HOST; it ends when the server's check "
                + "ends. See docs/distributed.md.")
final class WorkerCommand extends Base implements Callable<Integer> {
    @Parameters(paramLabel = "HOST", description = "The machine the TLC server runs on (its address or name).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DistributedTlc.DEFAULT_PORT,
            description = "The server's RMI registry port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: one per core).")
    Integer threads;

    @Option(names = "--address", paramLabel = "ADDR",
            description = "The address the server reaches this worker at (default: 127.0.0.1 when HOST is this "
                    + "machine's loopback, else this machine's name as Java resolves it).")
    String address;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the server to be reachable (default: ${DEFAULT-VALUE}); a worker that "
                    + "cannot reach it is bad input.")
    long connectTimeout;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 1 || port > 65535) throw new UserError("--port must be between 1 and 65535, not " + port);
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) throw new UserError("--threads must be at least 1, not " + t);
        if (connectTimeout < 1) throw new UserError("--connect-timeout must be at least 1 second");
        String addr = address != null ? address : DistributedTlc.isLoopback(host) ? "127.0.0.1" : null;
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(SpecRoot.targetDir().resolve("tlc")), "worker-");
        } catch (IOException e) {
            throw new UserError("cannot create a worker folder under " + SpecRoot.targetDir() + ": " + e.getMessage(), e);
        }
        ChildProcesses.folder(dir);
        DistributedTlc.LocalWorker w = DistributedTlc.LocalWorker.start(TlaTools.pinned(), host, port, t, addr, dir,
                Common::progress);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(connectTimeout);
            while (w.reachable.getCount() > 0 && w.process.isAlive() && System.nanoTime() < deadline) {
                w.reachable.await(200, TimeUnit.MILLISECONDS);
            }
            if (w.reachable.getCount() > 0) {
                throw new UserError("cannot reach a TLC server at " + host + ":" + port
                        + (w.process.isAlive() ? " within " + connectTimeout + " s" : "")
                        + (w.lastLine() == null ? "" : ": " + w.lastLine()));
            }
            // Reachable: the server may still be computing its initial states; the worker waits for it.
            while (w.ready.getCount() > 0 && w.process.isAlive()) w.ready.await(1, TimeUnit.SECONDS);
            if (w.ready.getCount() > 0) {
                throw new UserError("the TLC worker for " + host + ":" + port + " ended before it started"
                        + (w.lastLine() == null ? "" : ": " + w.lastLine()));
            }
            out().println("worker: connected to the TLC server at " + host + ":" + port + " with " + t + " thread"
                    + (t == 1 ? "" : "s"));
            out().flush();
            int code = w.process.waitFor();
            boolean completed = w.completed.getCount() == 0;
            out().println(completed ? "worker: the server's check ended; " + w.lastLine()
                    : "worker: ended without the server saying so (exit code " + code + ")"
                            + (w.lastLine() == null ? "" : ": " + w.lastLine()));
            return completed ? Main.OK : Main.NOT_AS_EXPECTED;
        } finally {
            ChildProcesses.kill(w.process);
            ChildProcesses.deleteFolder(dir);
        }
    }
}
