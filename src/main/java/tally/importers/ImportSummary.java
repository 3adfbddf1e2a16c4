package tally.importers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Figures;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one import did, in the words of its last lines: files, lines, records added, duplicates
 * dropped, malformed input skipped (the first few as {@code file:line: reason}) and unpriced models.
 *
 * @param files         files read (or pages fetched, for an API import)
 * @param filesUnchanged files skipped because nothing was added since the last import
 * @param lines         lines (or records) read
 * @param added         records the ledger took
 * @param duplicates    records dropped as already counted: repeated lines of one response, copies in
 *                      forks, and records the ledger already had
 * @param ignored       lines that carry no billable usage on purpose (API-error and synthetic lines)
 * @param malformed     lines that could not be read
 * @param malformedFirst the first few malformed lines as {@code file:line: reason}
 * @param unpriced      records per model the price catalog does not know
 * @param replaced      of those added, records that took a stored one's place (a fuller copy of the same
 *                      answer, or a better source of the same request): not new requests
 * @param held          answers left for the next run (a file still being written may yet finish them)
 */
public record ImportSummary(String what, long files, long filesUnchanged, long lines, long added, long duplicates,
                            long ignored, long malformed, List<String> malformedFirst, Map<String, Long> unpriced,
                            long replaced, long held) {

    public ImportSummary(String what, long files, long filesUnchanged, long lines, long added, long duplicates,
                         long ignored, long malformed, List<String> malformedFirst, Map<String, Long> unpriced) {
        this(what, files, filesUnchanged, lines, added, duplicates, ignored, malformed, malformedFirst, unpriced, 0, 0);
    }

    public String render() {
        return render(null);
    }

    /** @param skipsFile where every skipped line was written ({@code --skips}), or null */
    public String render(String skipsFile) {
        StringBuilder sb = new StringBuilder();
        sb.append("Imported ").append(what).append(": ")
                .append(n(files)).append(files == 1 ? " file" : " files");
        sb.append(", ").append(n(lines)).append(" lines\n");
        if (filesUnchanged > 0) {
            sb.append("  ").append(n(filesUnchanged)).append(filesUnchanged == 1 ? " file" : " files")
                    .append(" unchanged since the last import (not read again)\n");
        }
        sb.append("  records added:            ").append(n(added - replaced)).append('\n');
        if (replaced > 0) sb.append("  records replaced:         ").append(n(replaced)).append(" (a fuller or better copy of a request already stored)\n");
        sb.append("  duplicates dropped:       ").append(n(duplicates)).append('\n');
        if (ignored > 0) sb.append("  ignored (errors, synthetic): ").append(n(ignored)).append('\n');
        if (held > 0) {
            sb.append("  held for the next run:    ").append(n(held)).append(held == 1 ? " answer" : " answers")
                    .append(" still being written\n");
        }
        sb.append("  malformed lines skipped:  ").append(n(malformed)).append('\n');
        for (String m : malformedFirst) sb.append("    ").append(m).append('\n');
        if (malformed > malformedFirst.size()) {
            sb.append("    … and ").append(n(malformed - malformedFirst.size())).append(" more")
                    .append(skipsFile == null ? " (--skips FILE lists every one)" : "").append('\n');
        }
        if (skipsFile != null && malformed > 0) sb.append("    all ").append(n(malformed)).append(" listed in ").append(skipsFile).append('\n');
        if (unpriced.isEmpty()) {
            sb.append("  unpriced models:          none\n");
        } else {
            long total = unpriced.values().stream().mapToLong(Long::longValue).sum();
            sb.append("  UNPRICED: ").append(n(total)).append(" records on ");
            StringBuilder models = new StringBuilder();
            new TreeMap<>(unpriced).forEach((m, c) -> models.append(models.length() == 0 ? "" : ", ").append(m).append(" (").append(n(c)).append(')'));
            sb.append(models).append(" not in the price catalog (add prices with --prices FILE)\n");
        }
        return sb.toString();
    }

    public ObjectNode json(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("import", what);
        o.put("files", files);
        o.put("files_unchanged", filesUnchanged);
        o.put("lines", lines);
        o.put("added", added - replaced);
        o.put("replaced", replaced);
        o.put("held", held);
        o.put("duplicates", duplicates);
        o.put("ignored", ignored);
        o.put("malformed", malformed);
        o.putPOJO("malformed_first", malformedFirst);
        ObjectNode u = o.putObject("unpriced_models");
        new TreeMap<>(unpriced).forEach(u::put);
        return o;
    }

    private static String n(long v) {
        return Figures.grouped(v);
    }
}
