package io.swiftserve.sim;

/** What {@link Simulation#distribute} measured: one file from the add to the last verified copy. */
public record Distribution(
        int nodes,
        double rateMbit,
        long sizeBytes,
        long seed,
        boolean allHold,
        double seconds,
        double tminSeconds,
        double firstSeconds,
        double medianSeconds,
        double blockAllSeconds,
        double controlPercent,
        int maxDegree,
        long events,
        long trace,
        double downIdleMeanSeconds,
        double downIdleMostSeconds,
        double[] downBusyQuarters) {
    /** A quarter second in which the receivers' downlinks were busy this much of the time counts as full. */
    static final double FULL = 0.995;

    public double ratio() {
        return seconds / tminSeconds;
    }

    /** The machine-readable line bench-sim.sh ends with. */
    public String summary() {
        return String.format(
                java.util.Locale.ROOT,
                "sim N=%d rate_mbit=%s size_mib=%d seed=%d time_s=%.2f tmin_s=%.2f ratio_tmin=%.3f max_degree=%d"
                        + " control_pct=%.3f block_all_s=%.3f down_idle_s=%.3f",
                nodes,
                rateMbit == Math.rint(rateMbit) ? String.valueOf((long) rateMbit) : String.valueOf(rateMbit),
                sizeBytes >> 20,
                seed,
                seconds,
                tminSeconds,
                ratio(),
                maxDegree,
                controlPercent,
                blockAllSeconds,
                downIdleMeanSeconds);
    }

    /** How long the receivers' downlinks idled between the add and their copy, and what that is of T_min. */
    public String downlinkIdle() {
        return String.format(
                java.util.Locale.ROOT,
                "the receivers' downlinks idled %.3f s on average between the add and their copy (most %.3f s):"
                        + " %.3f x T_min beyond the bytes' own time",
                downIdleMeanSeconds,
                downIdleMostSeconds,
                downIdleMeanSeconds / tminSeconds);
    }

    /**
     * How busy the receivers' downlinks were in each quarter second from the add (the last one shorter),
     * a run of full ones said once: where the idle time above lies.
     */
    public String downlinkUse() {
        StringBuilder out =
                new StringBuilder("the receivers' downlinks were busy, quarter second by quarter second from the add:");
        double[] q = downBusyQuarters;
        for (int i = 0; i < q.length; ) {
            int run = 0;
            while (i + run < q.length && q[i + run] >= FULL) {
                run++;
            }
            if (run >= 2) {
                out.append(" (full x").append(run).append(')');
                i += run;
            } else {
                out.append(String.format(java.util.Locale.ROOT, " %.2f", q[i]));
                i++;
            }
        }
        return out.toString();
    }
}
