package tally.importers.anthropic;

import tally.store.ProviderReports;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tally import anthropic}: fetches the usage report (grouped by API key, workspace, model,
 * service tier and context window), the cost report (grouped by workspace and description, so each
 * line names its model) and the Claude Code report (one day per request) for whole UTC days, and
 * replaces those days in the provider tables.
 */
public final class AdminImporter {

    /** What one import fetched. */
    public record Result(long days, long pages, long retries, long usageRows, long costRows, long claudeCodeRows) {}

    private final AdminApiClient api;
    private final ProviderReports reports;

    public AdminImporter(AdminApiClient api, ProviderReports reports) {
        this.api = api;
        this.reports = reports;
    }

    /** Days [since, until], inclusive, in UTC (the reports' own buckets). */
    public Result run(LocalDate since, LocalDate until) throws IOException {
        LocalDate end = until.plusDays(1);
        String from = since.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        String to = end.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
        AdminReports.Days asked = AdminReports.Days.of(since, until);

        List<Map.Entry<String, String>> usageParams = AdminReports.params("starting_at", from, "ending_at", to,
                "bucket_width", "1d", "limit", 31);
        for (String g : AdminReports.USAGE_GROUPS) usageParams.add(Map.entry("group_by[]", g));
        List<ProviderReports.UsageRow> usage = new ArrayList<>();
        api.pages("/v1/organizations/usage_report/messages", usageParams, data -> AdminReports.usage(data, asked, usage));

        List<Map.Entry<String, String>> costParams = AdminReports.params("starting_at", from, "ending_at", to,
                "bucket_width", "1d", "limit", 31, "group_by[]", "workspace_id", "group_by[]", "description");
        List<ProviderReports.CostRow> cost = new ArrayList<>();
        api.pages("/v1/organizations/cost_report", costParams, data -> AdminReports.cost(data, asked, cost));

        List<ProviderReports.ClaudeCodeRow> claudeCode = new ArrayList<>();
        long days = 0;
        for (LocalDate d = since; d.isBefore(end); d = d.plusDays(1)) {
            days++;
            // one day per request: a row dated otherwise could come again with its own day's
            AdminReports.Days day = AdminReports.Days.of(d, d);
            api.pages("/v1/organizations/usage_report/claude_code", AdminReports.params("starting_at", d.toString(), "limit", 1000),
                    data -> AdminReports.claudeCode(data, day, claudeCode));
        }
        // Everything fetched first, then each report's days replaced at once: a failed fetch changes nothing.
        reports.replaceUsage(asked.fromMs(), asked.toMs(), usage);
        reports.replaceCost(asked.fromMs(), asked.toMs(), cost);
        reports.replaceClaudeCode(asked.fromMs(), asked.toMs(), claudeCode);
        return new Result(days, api.pages(), api.retries(), usage.size(), cost.size(), claudeCode.size());
    }
}
