import Foundation

// metrics.json writes an undefined value as an explicit `null` (never omits the key), so a
// reader sees "n/a" where the schema promises a number. Swift's synthesised encoders skip nil
// optionals; these encoders write every key. Decoding stays synthesised (null → nil).

extension ProportionSummary {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(x, forKey: .x)
        try c.encode(n, forKey: .n)
        try c.encode(value, forKey: .value)
        try c.encode(wald, forKey: .wald)
        try c.encode(waldUnclipped, forKey: .waldUnclipped)
        try c.encode(wilson, forKey: .wilson)
        try c.encode(wilsonCC, forKey: .wilsonCC)
        try c.encode(clopperPearson, forKey: .clopperPearson)
        try c.encode(agrestiCoull, forKey: .agrestiCoull)
        try c.encode(jeffreys, forKey: .jeffreys)
    }
}

extension AUCSummary {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(delongSE, forKey: .delongSE)
        try c.encode(delongCI, forKey: .delongCI)
        try c.encode(bootstrapCI, forKey: .bootstrapCI)
    }
}

extension ReliabilityBin {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(bin, forKey: .bin)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(meanPredicted, forKey: .meanPredicted)
        try c.encode(observedRate, forKey: .observedRate)
        try c.encode(count, forKey: .count)
    }
}

extension ModelMetrics {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(confusion, forKey: .confusion)
        try c.encode(proportions, forKey: .proportions)
        try c.encode(f1, forKey: .f1)
        try c.encode(balancedAccuracy, forKey: .balancedAccuracy)
        try c.encode(lrPositive, forKey: .lrPositive)
        try c.encode(lrNegative, forKey: .lrNegative)
        try c.encode(brier, forKey: .brier)
        try c.encode(auc, forKey: .auc)
        try c.encode(roc, forKey: .roc)
        try c.encode(reliability, forKey: .reliability)
        try c.encode(youdenThreshold, forKey: .youdenThreshold)
    }
}

extension DeLongComparison {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(z, forKey: .z)
        try c.encode(p, forKey: .p)
        try c.encode(aucDiff, forKey: .aucDiff)
        try c.encode(diffCI, forKey: .diffCI)
    }
}

extension McNemarSummary {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(b, forKey: .b)
        try c.encode(self.c, forKey: .c)
        try c.encode(exactP, forKey: .exactP)
        try c.encode(chi2CC, forKey: .chi2CC)
        try c.encode(chi2CCP, forKey: .chi2CCP)
    }
}
