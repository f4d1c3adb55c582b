package dev.tiergate.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiergate.cache.semantic.online.OnlineVerifier;
import dev.tiergate.cache.semantic.online.WilsonInterval;
import dev.tiergate.core.accounting.UsageJson;
import dev.tiergate.server.http.SemanticCacheReport;

/** A team's online verification in {@code /v1/usage}: {@code semantic_cache.online_verification}. */
final class OnlineVerificationReport {
    private OnlineVerificationReport() {
    }

    static SemanticCacheReport of(OnlineVerifier online) {
        return online == null ? SemanticCacheReport.NONE : team -> json(online.report(team));
    }

    private static ObjectNode json(OnlineVerifier.TeamReport r) {
        ObjectNode root = UsageJson.mapper().createObjectNode();
        ObjectNode online = root.putObject("online_verification");
        online.put("share", r.share());
        online.put("checks", r.checks());
        online.put("false_hits", r.falseHits());
        ObjectNode skipped = online.putObject("skipped");
        skipped.put("busy", r.skippedBusy());
        skipped.put("limits", r.skippedLimits());
        skipped.put("failed", r.failed());
        WilsonInterval rate = r.falseHitRate();
        ObjectNode estimate = online.putObject("false_hit_rate");
        estimate.put("window_checks", rate.trials());
        estimate.put("window_false_hits", rate.failures());
        estimate.put("estimate", rate.estimate());
        estimate.put("lower", rate.lower());
        estimate.put("upper", rate.upper());
        estimate.put("confidence", 0.95);
        online.put("tolerated_false_hit_rate", r.tolerated());
        online.put("tightenings", r.tightenings());
        online.put("max_tightenings", r.maxTightenings());
        online.put("operating_point", r.operatingPoint());
        online.put("operating_point_kind", r.operatingPointKind());
        return root;
    }
}
