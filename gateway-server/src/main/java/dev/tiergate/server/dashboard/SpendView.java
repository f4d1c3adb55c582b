package dev.tiergate.server.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.core.accounting.UsageReport;
import dev.tiergate.core.accounting.UsageTotals;
import java.time.LocalDate;

/**
 * {@code /dashboard/api/spend}: spend and savings per team and day from the usage report of the
 * period, each row and the totals carrying the report's own ledger (so the totals are those of
 * {@code GET /v1/usage} for the same days).
 */
public final class SpendView {
    private SpendView() {
    }

    public static ObjectNode of(Period period, UsageReport report) {
        ObjectNode root = UsageJson.mapper().createObjectNode();
        root.put("from", period.from().toString());
        root.put("to", period.to().toString());
        ArrayNode days = root.putArray("days");
        period.days().stream().map(LocalDate::toString).forEach(days::add);
        ArrayNode teams = root.putArray("teams");
        report.by(key -> key.team()).keySet().forEach(teams::add);
        ArrayNode rows = root.putArray("rows");
        report.by(key -> key.day() + "\u0000" + key.team()).forEach((dayAndTeam, totals) -> {
            int cut = dayAndTeam.indexOf('\u0000');
            ObjectNode row = rows.addObject();
            row.put("day", dayAndTeam.substring(0, cut));
            row.put("team", dayAndTeam.substring(cut + 1));
            row.setAll(ledger(totals));
        });
        root.set("totals", ledger(report.total()));
        return root;
    }

    /** Requests, then the ledger: actual, baseline, saving and the saving by reason, in USD. */
    private static ObjectNode ledger(UsageTotals totals) {
        ObjectNode n = UsageJson.mapper().createObjectNode();
        n.put("requests", totals.requests());
        n.setAll(UsageReport.ledgerJson(totals.ledger()));
        return n;
    }
}
