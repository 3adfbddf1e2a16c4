package tally.pricing;

/**
 * What the spelling of a model id says, before the catalog is consulted.
 *
 * @param id              normalized id: lower case, provider decorations removed ("" when none was given)
 * @param provider        "anthropic", "bedrock" or "vertex"
 * @param regionalProfile a Bedrock in-region id (us./eu./apac./jp./au. profile, a bare anthropic.
 *                        base id or a foundation-model ARN naming one), which costs more on newer models;
 *                        global. profiles are list price
 * @param opaque          an application inference profile ARN: the model cannot be read from it
 */
public record ParsedModelId(String id, String provider, boolean regionalProfile, boolean opaque) {
}
