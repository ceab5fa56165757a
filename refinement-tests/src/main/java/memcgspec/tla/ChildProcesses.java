package memcgspec.tla;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The JVMs this process forks for distributed TLC (a TLCServer, TLCWorkers), killed with their descendants when
 * they are no longer needed and, at the latest, when this JVM exits: on a normal exit, on Ctrl-C (SIGINT) and on
 * SIGTERM, through a shutdown hook, so that no server or worker outlives the command that started it; their folders
 * go with them. (A SIGKILL
 * runs no hook; nothing can be done about that from inside the JVM.)
 */
public final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<java.nio.file.Path> FOLDERS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "memcg-spec-kill-children"));
    }

    private ChildProcesses() {}

    /** Starts the process and keeps it until {@link #kill} (or this JVM's exit) ends it. */
    public static Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        LIVE.add(p);
        return p;
    }

    /** Kills the process and its descendants (at once, forcibly) and waits up to 10 s for it to be gone. */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
    }

    /** Forgets a process that has exited by itself. */
    public static void exited(Process p) {
        if (!p.isAlive()) LIVE.remove(p);
    }

    /** A folder of the forked JVMs (their working directories, metadirs): deleted at exit if still there. */
    public static void folder(java.nio.file.Path dir) {
        FOLDERS.add(dir);
    }

    /** Deletes a folder given to {@link #folder} (best effort) and forgets it. */
    public static void deleteFolder(java.nio.file.Path dir) {
        TlcRunner.deleteTree(dir);
        FOLDERS.remove(dir);
    }

    private static void killAll() {
        for (Process p : LIVE) kill(p);
        for (java.nio.file.Path d : FOLDERS) TlcRunner.deleteTree(d);
    }
}
