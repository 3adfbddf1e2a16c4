package tally.importers.bedrock;

/**
 * The model behind an application inference profile ARN, which names none: the id to price a record
 * by (e.g. {@code us.anthropic.claude-sonnet-4-5-20250929-v1:0}), or null when it cannot be told.
 */
@FunctionalInterface
public interface ProfileModels {
    ProfileModels NONE = arn -> null;

    String modelIdOf(String applicationProfileArn);

    static boolean isApplicationProfile(String modelId) {
        return modelId != null && modelId.startsWith("arn:") && modelId.contains(":application-inference-profile/");
    }
}
