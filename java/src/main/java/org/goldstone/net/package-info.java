/**
 * Networks: {@link org.goldstone.net.NetSpec} (the JSON-serializable description with its fluent builder) and
 * {@link org.goldstone.net.FeedForwardNet} (layers over one flat parameter vector, forward and backward passes).
 * Training loops live in {@code train}.
 */
package org.goldstone.net;
