package org.goldstone.data;

/** A training set and its held-out test set, with the same features and classes. */
public record Split(Dataset train, Dataset test) {
    public Split {
        if (train == null || test == null) {
            throw new DataException("Split: expected non-null train and test, found train=" + train + " test=" + test);
        }
        if (train.features() != test.features() || train.classes() != test.classes()) {
            throw new DataException("Split: expected test features x classes = " + train.features() + " x "
                    + train.classes() + " as in train, found " + test.features() + " x " + test.classes());
        }
    }
}
