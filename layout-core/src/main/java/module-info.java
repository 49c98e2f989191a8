/**
 * oci-layout's core: OCI image layouts on disk as offline repositories. Every package is API except
 * {@code dev.ocilayout.text} (message helpers), which only this project's other modules may use.
 */
module dev.ocilayout.core {
    requires transitive com.fasterxml.jackson.databind;

    exports dev.ocilayout;
    exports dev.ocilayout.artifact;
    exports dev.ocilayout.content;
    exports dev.ocilayout.copy;
    exports dev.ocilayout.digest;
    exports dev.ocilayout.error;
    exports dev.ocilayout.fsck;
    exports dev.ocilayout.gc;
    exports dev.ocilayout.graph;
    exports dev.ocilayout.io;
    exports dev.ocilayout.lint;
    exports dev.ocilayout.model;
    exports dev.ocilayout.referrers;
    exports dev.ocilayout.repository;
    exports dev.ocilayout.sign;
    exports dev.ocilayout.store;
    exports dev.ocilayout.text to dev.ocilayout.archive, dev.ocilayout.registry, dev.ocilayout.serve, dev.ocilayout.mirror;
}
