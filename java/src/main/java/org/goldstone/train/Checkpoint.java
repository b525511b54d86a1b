package org.goldstone.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.layer.ParamBlock;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.tensor.DType;

/**
 * The training state as safetensors tensors and metadata: every parameter tensor by name ("param/embed.weight"),
 * every optimizer buffer ("optim/m/embed.weight"), and metadata holding the net spec, the train config, the step,
 * the epoch and the batch index within it (the RNG state: shuffles derive from (seed, epoch) only).
 */
public final class Checkpoint {
    public static final String FORMAT = "goldstone-checkpoint-1";

    private Checkpoint() {
    }

    /** Position of a run: updates done, epoch, next batch within the epoch. */
    public record Position(long step, int epoch, int batchInEpoch) { }

    static Map<String, Safetensors.Tensor> tensors(FeedForwardNet net, Backend be, DeviceBuffer params,
                                                   Map<String, DeviceBuffer> optimizerState) {
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        put(out, "param/", net, be, params);
        for (Map.Entry<String, DeviceBuffer> e : optimizerState.entrySet()) {
            put(out, "optim/" + e.getKey() + "/", net, be, e.getValue());
        }
        return out;
    }

    private static void put(Map<String, Safetensors.Tensor> out, String prefix, FeedForwardNet net, Backend be,
                            DeviceBuffer flat) {
        double[] host = new double[flat.length()];
        be.read(flat, host);
        String dtype = flat.dtype() == DType.F32 ? "F32" : "F64";
        for (ParamBlock b : net.parameterBlocks()) {
            double[] v = java.util.Arrays.copyOfRange(host, b.offset(), b.offset() + b.size());
            long[] shape = new long[b.shape().length];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = b.shape()[i];
            }
            out.put(prefix + b.name(), new Safetensors.Tensor(dtype, shape, v));
        }
    }

    static Map<String, String> metadata(TrainConfig cfg, Position pos) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("spec", cfg.net().toJson());
        meta.put("config", cfg.toJson());
        meta.put("step", Long.toString(pos.step()));
        meta.put("epoch", Integer.toString(pos.epoch()));
        meta.put("batch_in_epoch", Integer.toString(pos.batchInEpoch()));
        meta.put("rng", "shuffle(seed=" + cfg.seed() + ", epoch=" + pos.epoch() + ") position " + pos.batchInEpoch());
        return meta;
    }

    /** Reads a checkpoint's config, checking its format marker. */
    public static TrainConfig config(Safetensors.Loaded loaded, Path file) {
        Map<String, String> meta = loaded.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new CheckpointException(file + ": expected format " + FORMAT + ", found " + meta.get("format"));
        }
        try {
            TrainConfig cfg = TrainConfig.fromJson(meta.get("config"));
            NetSpec spec = NetSpec.fromJson(meta.get("spec"));
            if (!spec.equals(cfg.net())) {
                throw new CheckpointException(file + ": expected the spec and the config's net to agree, found "
                        + spec.describe() + " vs " + cfg.net().describe());
            }
            return cfg;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CheckpointException(file + ": unreadable config or spec: " + e.getMessage(), e);
        }
    }

    public static Position position(Safetensors.Loaded loaded, Path file) {
        Map<String, String> meta = loaded.metadata();
        try {
            return new Position(Long.parseLong(meta.get("step")), Integer.parseInt(meta.get("epoch")),
                    Integer.parseInt(meta.get("batch_in_epoch")));
        } catch (NumberFormatException e) {
            throw new CheckpointException(file + ": expected integer step, epoch and batch_in_epoch, found "
                    + meta.get("step") + ", " + meta.get("epoch") + ", " + meta.get("batch_in_epoch"), e);
        }
    }

    /**
     * The parameters stored in a checkpoint as a flat fp64 vector in the layout of {@code net}, checking that the
     * checkpoint was written for the same spec (names, shapes, finite values).
     */
    public static double[] parameters(Safetensors.Loaded loaded, Path file, FeedForwardNet net) {
        TrainConfig cfg = config(loaded, file);
        if (!cfg.net().equals(net.spec())) {
            throw new CheckpointException(file + ": expected a checkpoint of " + net.spec().describe()
                    + ", found one of "
                    + cfg.net().describe());
        }
        double[] host = new double[net.paramCount()];
        for (ParamBlock b : net.parameterBlocks()) {
            System.arraycopy(values(loaded, file, "param/", b), 0, host, b.offset(), b.size());
        }
        return host;
    }

    private static double[] values(Safetensors.Loaded loaded, Path file, String prefix, ParamBlock b) {
        Safetensors.Tensor t = loaded.tensors().get(prefix + b.name());
        if (t == null) {
            throw new CheckpointException(file + ": expected tensor " + prefix + b.name() + ", found none");
        }
        if (t.values().length != b.size()) {
            throw new CheckpointException(file + ": expected " + b.size() + " values in " + prefix + b.name()
                    + ", found " + t.values().length);
        }
        for (double v : t.values()) {
            if (!Double.isFinite(v)) {
                throw new CheckpointException(file + ": expected finite values in " + prefix + b.name()
                        + ", found " + v);
            }
        }
        return t.values();
    }

    /** Writes the tensors with the given prefix back into a flat buffer, checking names and shapes. */
    static void restore(Safetensors.Loaded loaded, Path file, String prefix, FeedForwardNet net, Backend be,
                        DeviceBuffer flat) {
        double[] host = new double[flat.length()];
        for (ParamBlock b : net.parameterBlocks()) {
            System.arraycopy(values(loaded, file, prefix, b), 0, host, b.offset(), b.size());
        }
        be.write(flat, host);
    }
}
