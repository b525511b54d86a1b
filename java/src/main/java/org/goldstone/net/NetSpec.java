package org.goldstone.net;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;

/**
 * The complete description of a feed-forward network, stored as JSON in every checkpoint.
 *
 * <p>Equivariant ({@code group} "U(1)" or "O(k)"): {@code inputs -> embed into width channels -> f ->
 * depth x (equivariant linear, f) -> readout classes}, f the norm nonlinearity of {@code profile} (SCIENCE a.5).
 * Real baseline ({@code group} "real"): {@code inputs -> dense(width, activation) -> depth x dense block
 * (optional residual, layer norm) -> readout}.
 *
 * @param sigmaW internal weight scale; null means the critical value of the profile (b.1) or 1 for tanh
 * @param sigmaB bias scale of the real baseline's dense blocks
 * @param sigmaIn embedding weight scale (a.7); the embedding bias starts at 0
 * @param breakingBias explicit symmetry breaking (SCIENCE a.6, d.8 step 6): a fixed, non-trained bias
 *     {@code breakingBias * c} added to the pre-activations of internal layer 1, c a fixed unit-variance random
 *     vector (seed {@link #BREAKING_SEED}); null = none
 * @param recipe null (the engine's definition, SCIENCE a.5/a.7) or "paper": the authors' code (c.1): no nonlinearity
 *     after the embedding, embedding and readout initialized like the framework default (weights and biases
 *     uniform in +-1/sqrt(fan-in)); "paper-generic": the same with every equivariant linear replaced by a dense
 *     (n k) x (n k) real matrix without bias at the same per-entry std (the paper's generic baseline)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetSpec(int inputs, int classes, String group, int width, int depth, RadialProfile profile,
                      Double profileA, Double profileB, Activation activation, boolean residual, boolean layerNorm,
                      Double sigmaW, double sigmaB, double sigmaIn, Double breakingBias, String recipe) {
    /** Seed of the fixed direction c of the explicit breaking bias. */
    public static final long BREAKING_SEED = 20260611L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public NetSpec {
        require(inputs >= 1, "inputs >= 1", inputs);
        require(classes >= 2, "classes >= 2", classes);
        require(width >= 1, "width >= 1", width);
        require(depth >= 0, "depth >= 0", depth);
        if (group == null) {
            throw new IllegalArgumentException("net spec: expected group U(1), O(k) or real, found null");
        }
        if (isReal(group)) {
            group = "real";
            if (activation == null) {
                activation = Activation.TANH;
            }
        } else {
            group = Group.parse(group).label();
            if (profile == null) {
                profile = RadialProfile.ALG;
            }
            if (residual || layerNorm) {
                throw new IllegalArgumentException("net spec: residual and layer norm are baseline options; expected"
                        + " group real, found " + group);
            }
        }
        if (sigmaW != null) {
            require(sigmaW > 0 && Double.isFinite(sigmaW), "sigmaW > 0", sigmaW);
        }
        require(sigmaB >= 0 && Double.isFinite(sigmaB), "sigmaB >= 0", sigmaB);
        require(sigmaIn > 0 && Double.isFinite(sigmaIn), "sigmaIn > 0", sigmaIn);
        if (recipe != null && !recipe.equals("paper") && !recipe.equals("paper-generic")) {
            throw new IllegalArgumentException("net spec: expected recipe paper or paper-generic, found '" + recipe + "'");
        }
        if (recipe != null && group.equals("real")) {
            throw new IllegalArgumentException("net spec: the paper recipe needs a group U(1) or O(k), found real");
        }
        if (breakingBias != null) {
            require(!group.equals("real") && depth >= 1, "an equivariant net with depth >= 1 for an explicit breaking"
                    + " bias", group + " depth " + depth);
            require(Double.isFinite(breakingBias), "a finite breaking bias", breakingBias);
        }
    }

    private static boolean isReal(String g) {
        String t = g.trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals("real") || t.equals("mlp") || t.equals("none");
    }

    private static void require(boolean ok, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException("net spec: expected " + expected + ", found " + found);
        }
    }

    /** Whether the internal layers are equivariant (not the real baseline, not the paper's generic baseline). */
    public boolean equivariant() {
        return !group.equals("real") && !"paper-generic".equals(recipe);
    }

    /** Whether the net uses unit blocks with a norm nonlinearity (equivariant nets and the generic baseline). */
    public boolean unitBlocks() {
        return !group.equals("real");
    }

    /** Whether a norm nonlinearity follows the embedding (false in the paper's recipe). */
    public boolean activatedEmbedding() {
        return recipe == null;
    }

    /** The symmetry group; only for equivariant nets. */
    public Group symmetry() {
        if (!unitBlocks()) {
            throw new IllegalStateException("a real baseline has no continuous symmetry group");
        }
        return Group.parse(group);
    }

    /** The norm nonlinearity with its constants (defaults where the spec leaves them out). */
    public Radial radial() {
        if (profile == null) {
            throw new IllegalStateException("a real baseline has no radial profile");
        }
        Radial d = Radial.of(profile);
        return new Radial(profile, profileA == null ? d.a() : profileA, profileB == null ? d.b() : profileB);
    }

    /** sigmaW as given, else the critical value (SCIENCE b.1 for norm nonlinearities; 1 for tanh, sqrt 2 for ReLU). */
    public double effectiveSigmaW() {
        if (sigmaW != null) {
            return sigmaW;
        }
        if (unitBlocks()) {
            return radial().criticalSigmaW();
        }
        return activation == Activation.RELU ? Math.sqrt(2.0) : 1.0;
    }

    /** Real features per sample at the internal levels. */
    public int features() {
        return unitBlocks() ? width * symmetry().unitDim() : width;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize net spec", e);
        }
    }

    public static NetSpec fromJson(String json) {
        try {
            return JSON.readValue(json, NetSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("net spec: expected a JSON object with the NetSpec fields, found: "
                    + e.getOriginalMessage());
        }
    }

    /** One line, e.g. "784 -> O(4) x 128 -> 100 x (equiv linear, ALG) -> 10". */
    public String describe() {
        if (unitBlocks()) {
            String linear = "paper-generic".equals(recipe) ? "dense linear" : "equivariant linear";
            return inputs + " -> embed " + width + " " + group + " channels -> " + depth + " x (" + linear + ", "
                    + profile + ") -> readout " + classes + " (sigma_w " + effectiveSigmaW() + ")"
                    + (recipe == null ? "" : " [" + recipe + " recipe]");
        }
        return inputs + " -> dense " + width + " -> " + depth + " x (dense, " + activation
                + (residual ? ", residual" : "") + (layerNorm ? ", layer norm" : "") + ") -> readout " + classes
                + " (sigma_w " + effectiveSigmaW() + ")";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction: {@code NetSpec.builder().inputs(784).embed(Group.orthogonal(4), 128).equivariant(100,
     * RadialProfile.ALG).readout(10).build()}. */
    public static final class Builder {
        private int inputs, classes, width, depth;
        private String group;
        private RadialProfile profile;
        private Double profileA, profileB, sigmaW;
        private Activation activation;
        private boolean residual, layerNorm;
        private double sigmaB, sigmaIn = 1.0;
        private Double breakingBias;
        private String recipe;

        public Builder inputs(int d) {
            this.inputs = d;
            return this;
        }

        /** Embed into {@code channels} units of the group. */
        public Builder embed(Group g, int channels) {
            this.group = g.label();
            this.width = channels;
            return this;
        }

        /** {@code layers} equivariant linear maps, each followed by the norm nonlinearity. */
        public Builder equivariant(int layers, RadialProfile p) {
            this.depth = layers;
            this.profile = p;
            return this;
        }

        /** Shape constants of the radial profile (GATE a, b; MODRELU b; CUBIC mu = b). */
        public Builder profileConstants(double a, double b) {
            this.profileA = a;
            this.profileB = b;
            return this;
        }

        /** Real baseline: first dense layer of {@code units} with this activation. */
        public Builder dense(int units, Activation act) {
            this.group = "real";
            this.width = units;
            this.activation = act;
            return this;
        }

        /** Real baseline: number of hidden dense blocks after the first. */
        public Builder hidden(int layers) {
            this.depth = layers;
            return this;
        }

        public Builder residual(boolean on) {
            this.residual = on;
            return this;
        }

        public Builder layerNorm(boolean on) {
            this.layerNorm = on;
            return this;
        }

        public Builder sigmaW(double s) {
            this.sigmaW = s;
            return this;
        }

        public Builder sigmaB(double s) {
            this.sigmaB = s;
            return this;
        }

        public Builder sigmaIn(double s) {
            this.sigmaIn = s;
            return this;
        }

        /** A fixed bias eps * c at internal layer 1 that breaks the symmetry explicitly (pseudo-Goldstone modes). */
        public Builder explicitBreaking(double eps) {
            this.breakingBias = eps;
            return this;
        }

        /** "paper" or "paper-generic" (see {@link NetSpec}); null for the engine's definition. */
        public Builder recipe(String r) {
            this.recipe = r;
            return this;
        }

        public Builder readout(int c) {
            this.classes = c;
            return this;
        }

        public NetSpec build() {
            return new NetSpec(inputs, classes, group, width, depth, profile, profileA, profileB, activation,
                    residual, layerNorm, sigmaW, sigmaB, sigmaIn, breakingBias, recipe);
        }
    }
}
