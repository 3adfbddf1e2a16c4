package tally.gateway;

import com.google.auth.oauth2.GoogleCredentials;

import java.net.URI;
import java.util.function.Supplier;

/**
 * Where and how the gateway reaches Claude on Google Vertex AI.
 *
 * @param endpoint     the aiplatform endpoint, or null for each request's location's own
 *                     ({@code https://LOCATION-aiplatform.googleapis.com}; {@code global}: {@code https://aiplatform.googleapis.com})
 * @param credentials  Google credentials (application default credentials, found on first use), or
 *                     null to send none (a test endpoint that needs no auth)
 */
public record VertexConfig(URI endpoint, Supplier<GoogleCredentials> credentials) {

    public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    /** Google's application default credentials, looked up when the first request needs them. */
    public static Supplier<GoogleCredentials> applicationDefault() {
        return () -> {
            try {
                return GoogleCredentials.getApplicationDefault().createScoped(SCOPE);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("no Google application default credentials: " + e.getMessage(), e);
            }
        };
    }

    public static URI endpointFor(String location) {
        return URI.create(location.equals("global") ? "https://aiplatform.googleapis.com"
                : "https://" + location + "-aiplatform.googleapis.com");
    }
}
