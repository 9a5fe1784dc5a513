package dev.elbow.operator.translate;

/**
 * The verdict on one generation of a resource.
 *
 * @param generation the metadata.generation that was judged
 * @param verdict the verdict
 */
public record Judged(long generation, Verdict verdict) {}
