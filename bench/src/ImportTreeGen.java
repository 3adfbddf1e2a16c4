import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a Claude Code projects tree shaped like the fixtures (claude-code-2.1.197): sessions of
 * user prompts and assistant answers, an answer written as one to three lines repeating its usage,
 * every twentieth session a fork that starts with a verbatim copy of its parent's lines, and a few
 * subagent files. Three models whose prices ccusage and Tally agree on; prompts stay under 200K
 * tokens so the two long-context rules never differ. Deterministic for a seed.
 *
 * Usage: ImportTreeGen DIR [FILES] [ASSISTANT_LINES]
 */
public final class ImportTreeGen {
    static final String[] MODELS = {"claude-opus-4-8", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"};
    static final String TEXT = "x".repeat(180);

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        long lines = args.length > 2 ? Long.parseLong(args[2]) : 1_500_000;
        long perFile = lines / files;
        SplittableRandom rnd = new SplittableRandom(42);
        Instant start = Instant.parse("2026-10-01T00:00:00Z");
        long written = 0;
        List<String> parentLines = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            String project = "-home-dev" + (f % 40) + "-app" + (f % 7);
            String session = String.format("%08x-0000-4000-8000-%012d", f, f);
            boolean subagent = f % 50 == 49;
            Path file = subagent
                    ? root.resolve(project).resolve(String.format("%08x-0000-4000-8000-%012d", f - 1, f - 1)).resolve("subagents").resolve("agent-" + f + ".jsonl")
                    : root.resolve(project).resolve(session + ".jsonl");
            Files.createDirectories(file.getParent());
            long t = start.toEpochMilli() + rnd.nextLong(30L * 86_400_000);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                long n = 0;
                if (f % 20 == 19 && !parentLines.isEmpty()) { // a fork: the parent's lines, verbatim but for the session id
                    for (String l : parentLines) {
                        w.write(l.replace(parentSession(f), session));
                        w.write('\n');
                        if (l.contains("\"type\":\"assistant\"")) n++;
                    }
                }
                List<String> mine = new ArrayList<>();
                while (n < perFile) {
                    t += 1_000 + rnd.nextLong(120_000);
                    String user = userLine(session, t);
                    w.write(user);
                    w.write('\n');
                    mine.add(user);
                    String model = MODELS[rnd.nextInt(MODELS.length)];
                    String msg = "msg_01" + Long.toHexString(rnd.nextLong());
                    String req = "req_011C" + Long.toHexString(rnd.nextLong());
                    long in = 1 + rnd.nextInt(50), out = 1 + rnd.nextInt(2000);
                    long cw = rnd.nextInt(20_000), cr = rnd.nextInt(150_000);
                    int blocks = 1 + (rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0);
                    for (int b = 0; b < blocks && n < perFile; b++) {
                        String a = assistantLine(session, t + 40 + b, model, msg, req, in, out, cw, cr, subagent);
                        w.write(a);
                        w.write('\n');
                        mine.add(a);
                        n++;
                    }
                }
                written += n;
                if (f % 20 == 0) parentLines = mine.subList(0, Math.min(mine.size(), 40));
            }
        }
        System.out.printf("generated %,d files, %,d assistant lines under %s%n", files, written, root);
    }

    static String parentSession(int f) {
        int p = f - (f % 20);
        return String.format("%08x-0000-4000-8000-%012d", p, p);
    }

    static String userLine(String session, long t) {
        return "{\"parentUuid\":null,\"isSidechain\":false,\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"" + TEXT
                + "\"},\"uuid\":\"u-" + t + "\",\"timestamp\":\"" + Instant.ofEpochMilli(t) + "\",\"userType\":\"external\","
                + "\"entrypoint\":\"cli\",\"cwd\":\"/home/dev/app\",\"sessionId\":\"" + session + "\",\"version\":\"2.1.197\",\"gitBranch\":\"main\"}";
    }

    static String assistantLine(String session, long t, String model, String msg, String req, long in, long out, long cw, long cr,
                                boolean sidechain) {
        return "{\"parentUuid\":\"p\",\"isSidechain\":" + sidechain + ",\"message\":{\"id\":\"" + msg + "\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + TEXT + "\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + in
                + ",\"cache_creation_input_tokens\":" + cw + ",\"cache_read_input_tokens\":" + cr + ",\"output_tokens\":" + out
                + ",\"server_tool_use\":{\"web_search_requests\":0,\"web_fetch_requests\":0},\"service_tier\":\"standard\","
                + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,\"ephemeral_5m_input_tokens\":" + cw + "},"
                + "\"inference_geo\":\"\",\"iterations\":[],\"speed\":\"standard\"},\"stop_details\":null},\"requestId\":\"" + req
                + "\",\"type\":\"assistant\",\"uuid\":\"a-" + t + "\",\"timestamp\":\"" + Instant.ofEpochMilli(t)
                + "\",\"userType\":\"external\",\"entrypoint\":\"cli\",\"cwd\":\"/home/dev/app\",\"sessionId\":\"" + session
                + "\",\"version\":\"2.1.197\",\"gitBranch\":\"main\"}";
    }
}
