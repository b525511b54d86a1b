package org.goldstone.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.goldstone.loss.Loss;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;

/**
 * Everything a training run needs besides the data; stored as JSON in every checkpoint.
 *
 * @param weightDecay L2 term (lambda/2) |theta|^2 added to the objective (its gradient lambda theta)
 * @param clipNorm global gradient-norm clip, 0 = off
 * @param maxSteps stop after this many updates even inside an epoch; 0 = run all epochs
 * @param logEvery steps between metric rows
 * @param checkpointEvery steps between checkpoints; 0 = at each epoch end only
 * @param keepLast checkpoints kept on disk
 * @param dataset name of the data the run trains on ("fashion-mnist", "synthetic"); checked on resume
 */
public record TrainConfig(NetSpec net, OptimizerSpec optimizer, Schedule schedule, double clipNorm,
                          double weightDecay, String loss, DType dtype, int batch, int epochs, long maxSteps,
                          long seed, int logEvery, int checkpointEvery, int keepLast, String dataset) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public TrainConfig {
        if (net == null || optimizer == null || schedule == null || dtype == null || dataset == null) {
            throw new IllegalArgumentException("train config: expected net, optimizer, schedule, dtype and dataset,"
                    + " found a null");
        }
        Loss.parse(loss);
        check(batch >= 1, "batch >= 1", batch);
        check(epochs >= 1, "epochs >= 1", epochs);
        check(maxSteps >= 0, "max steps >= 0", maxSteps);
        check(logEvery >= 1, "log interval >= 1", logEvery);
        check(checkpointEvery >= 0, "checkpoint interval >= 0", checkpointEvery);
        check(keepLast >= 1, "checkpoints kept >= 1", keepLast);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay >= 0", weightDecay);
        check(clipNorm >= 0 && Double.isFinite(clipNorm), "clip norm >= 0", clipNorm);
    }

    private static void check(boolean ok, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException("train config: expected " + expected + ", found " + found);
        }
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(net, optimizer, schedule, clipNorm, weightDecay, loss, dtype, batch, e, maxSteps, seed,
                logEvery, checkpointEvery, keepLast, dataset);
    }

    public TrainConfig withMaxSteps(long s) {
        return new TrainConfig(net, optimizer, schedule, clipNorm, weightDecay, loss, dtype, batch, epochs, s, seed,
                logEvery, checkpointEvery, keepLast, dataset);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize train config", e);
        }
    }

    public static TrainConfig fromJson(String json) {
        try {
            return JSON.readValue(json, TrainConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("train config: expected a JSON object with the TrainConfig fields,"
                    + " found: " + e.getOriginalMessage());
        }
    }
}
