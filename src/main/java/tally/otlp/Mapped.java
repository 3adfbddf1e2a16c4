package tally.otlp;

import tally.core.Activity;
import tally.core.UsageEvent;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What one OTLP request turned into: usage records, activity, and the points or records refused. */
final class Mapped {
    final List<UsageEvent> usage = new ArrayList<>();
    final List<Activity> activity = new ArrayList<>();
    /** Sessions seen sending per-request api_request events in this request, with whose ({@code ActivityLog.sessionKey}). */
    final Set<String> eventSessions = new LinkedHashSet<>();
    /** Cumulative series whose points this request counted (forgotten again if it is not accepted). */
    final Set<String> series = new LinkedHashSet<>();
    int accepted;
    int rejected;
    String firstRejection;

    void reject(String why) {
        rejected++;
        if (firstRejection == null) firstRejection = why;
    }

    /** A record counted as accepted when mapped turned out to be refused after all. */
    void refuseAccepted(String why) {
        accepted--;
        reject(why);
    }
}
