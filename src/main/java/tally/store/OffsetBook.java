package tally.store;

import java.util.Collection;
import java.util.Map;

/** Where each imported file was read up to: the store's table here, or a running server's through its REST API. */
public interface OffsetBook {
    /** Every offset of one kind of import ("claude-code", "bedrock"), by path. */
    Map<String, ImportOffsets.Offset> load(String kind);

    /** Replaces the offsets of these files at once. */
    void save(String kind, Collection<ImportOffsets.Offset> offsets);
}
