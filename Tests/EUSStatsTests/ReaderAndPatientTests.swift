import XCTest
import EUSSupport
@testable import EUSStats

/// Readers' calls beside the networks, and the per-patient analysis, on synthetic calls.
final class ReaderAndPatientTests: XCTestCase {
    /// Eight cases, four GIST (positive) and four LM; expert1 skips case c8, its assisted
    /// reading reads everything, junior reads everything.
    static let csv = """
        case_id,label,net,reader:expert1,reader:expert1+ai,reader:junior
        c1,GIST,0.9,GIST,GIST,GIST
        c2,GIST,0.8,LM,GIST,GIST
        c3,GIST,0.3,GIST,GIST,LM
        c4,GIST,0.7,lm,LM,LM
        c5,LM,0.2,LM,LM,GIST
        c6,LM,0.6,LM,LM,LM
        c7,LM,0.1,GIST,LM,GIST
        c8,LM,0.4,,LM,LM
        """

    func table(_ text: String = csv) throws -> PredictionTable {
        try PredictionTable(csv: CSVTable(parsing: text, source: "preds.csv"))
    }

    func testReaderColumnsAreReadAndKeptApartFromModels() throws {
        let table = try table()
        XCTAssertEqual(table.models.map(\.name), ["net"])
        XCTAssertEqual(table.readers.map(\.name), ["expert1", "expert1+ai", "junior"])
        XCTAssertEqual(table.readers[0].calls, ["GIST", "LM", "GIST", "LM", "LM", "LM", "GIST", nil], "lower-case lm is LM; blank is unread")
        XCTAssertEqual(table.readers[1].unaidedName, "expert1")
        XCTAssertNil(table.readers[2].unaidedName)
        XCTAssertFalse(PredictionTable.isModelColumn("reader:junior"))
    }

    func testBadReaderColumnsAreOneLineErrors() {
        let cases: [(String, String)] = [
            ("case_id,label,net,reader:x\na,GIST,0.9,GIST\nb,LM,0.1,maybe\n", "preds.csv line 3, column reader:x: 'maybe' is not a class (expected GIST or LM, or blank for a case the reader did not read)"),
            ("case_id,label,net,reader:\na,GIST,0.9,GIST\nb,LM,0.1,LM\n", "preds.csv, column reader:: a reader column needs a name after 'reader:' (e.g. reader:expert1)"),
            ("case_id,label,net,reader:x\na,GIST,0.9,\nb,LM,0.1,\n", "preds.csv, column reader:x: the reader called no case (every cell is blank)"),
            ("case_id,label,net,reader:x,reader:x\na,GIST,0.9,GIST,GIST\nb,LM,0.1,LM,LM\n", "preds.csv, column reader:x: reader 'x' appears more than once in the header"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try table(text)) { XCTAssertEqual(($0 as? UserError)?.message, message) }
        }
    }

    func testReaderMetricsCountOnlyTheCasesRead() throws {
        let document = try MetricsComputer.compute(table(), bootstrapResamples: 0)
        let analysis = try XCTUnwrap(document.readers)
        let expert = analysis.readers[0]
        XCTAssertEqual(expert.n, 7)
        XCTAssertEqual(expert.unread, 1)
        XCTAssertEqual(expert.confusion, ConfusionCounts(tp: 2, fn: 2, tn: 2, fp: 1))
        XCTAssertEqual(expert.proportions, expert.confusion.proportions())
        XCTAssertEqual(analysis.readers[2].confusion, ConfusionCounts(tp: 2, fn: 2, tn: 2, fp: 2))
        XCTAssertEqual(analysis.readers.map(\.assisted), [false, true, false])
    }

    /// net calls c1, c2, c4 and c6 positive (P ≥ 0.5). Against expert1 on the 7 cases both read:
    /// positives c1–c4: net right on c1, c2, c4, expert on c1, c3: only net c2, c4 (b = 2),
    /// only expert c3 (c = 1); negatives c5–c7: net right on c5, c7, expert on c5, c6: b = 1, c = 1.
    func testNetworkAgainstReaderOnTheCasesBothRead() throws {
        let analysis = try XCTUnwrap(try MetricsComputer.compute(table(), bootstrapResamples: 0).readers)
        XCTAssertEqual(analysis.versusModels.map { "\($0.a)-\($0.b)" }, ["net-expert1", "net-junior"], "assisted readings are compared with their reader, not the networks")
        let versus = analysis.versusModels[0]
        XCTAssertEqual(versus.n, 7)
        let sensitivity = versus.sensitivity
        XCTAssertEqual([sensitivity.n, sensitivity.aCorrect, sensitivity.bCorrect, sensitivity.onlyA, sensitivity.onlyB], [4, 3, 2, 2, 1])
        XCTAssertEqual(try XCTUnwrap(sensitivity.difference), 0.25, accuracy: 1e-15)
        XCTAssertEqual(sensitivity.mcnemar, McNemar.summary(b: 2, c: 1), "the verified exact McNemar test on the positives")
        XCTAssertEqual(sensitivity.newcombeCI, PairedProportionDifference.newcombe(a: 1, b: 2, c: 1, d: 0))
        let specificity = versus.specificity
        XCTAssertEqual([specificity.n, specificity.onlyA, specificity.onlyB], [3, 1, 1])
        XCTAssertEqual(specificity.difference, 0)
        XCTAssertEqual(specificity.mcnemar.exactP, McNemar.exactP(b: 1, c: 1))
    }

    func testAssistedReadingAgainstTheSameReaderUnaided() throws {
        let analysis = try XCTUnwrap(try MetricsComputer.compute(table(), bootstrapResamples: 0).readers)
        XCTAssertEqual(analysis.assisted.count, 1)
        let aided = analysis.assisted[0]
        XCTAssertEqual([aided.a, aided.b], ["expert1+ai", "expert1"])
        XCTAssertEqual(aided.n, 7)
        // Positives: aided right on c1–c3, unaided on c1, c3 → only aided c2.
        XCTAssertEqual([aided.sensitivity.onlyA, aided.sensitivity.onlyB], [1, 0])
        // Negatives c5–c7: aided right on all three, unaided misses c7.
        XCTAssertEqual([aided.specificity.onlyA, aided.specificity.onlyB], [1, 0])
    }

    func testKappaForEveryPairAndFleissOverTheUnaidedReaders() throws {
        let table = try table()
        let analysis = try XCTUnwrap(try MetricsComputer.compute(table, bootstrapResamples: 0).readers)
        XCTAssertEqual(analysis.cohenKappa.map { "\($0.a)|\($0.b)" },
                       ["expert1|expert1+ai", "expert1|junior", "expert1|net", "expert1+ai|junior", "expert1+ai|net", "junior|net"])
        let pair = analysis.cohenKappa[1]
        XCTAssertEqual(pair.n, 7)
        let expert: [Bool] = [true, false, true, false, false, false, true]
        let junior: [Bool] = [true, true, false, false, true, false, true]
        let reference = try XCTUnwrap(Kappa.cohen(expert, junior))
        XCTAssertEqual(pair.kappa, reference.kappa)
        XCTAssertEqual(pair.ci, reference.interval)
        XCTAssertEqual(try XCTUnwrap(pair.observedAgreement), 4.0 / 7, accuracy: 1e-15)
        let fleiss = try XCTUnwrap(analysis.fleissKappa)
        XCTAssertEqual(fleiss.raters, ["expert1", "junior"])
        XCTAssertEqual(fleiss.n, 7)
        XCTAssertEqual(fleiss.kappa, Kappa.fleiss([expert, junior]))
    }

    func testNoReadersGiveNoReaderAnalysis() throws {
        let text = "case_id,label,net\na,GIST,0.9\nb,GIST,0.8\nc,LM,0.1\nd,LM,0.3\n"
        let document = try MetricsComputer.compute(table(text), bootstrapResamples: 0)
        XCTAssertNil(document.readers)
        XCTAssertNil(document.patients)
        let json = String(decoding: try JSONFile.encode(document), as: UTF8.self)
        XCTAssertFalse(json.contains("\"readers\""))
    }

    // MARK: - Patients

    /// p1 (GIST): 0.9, 0.3 → mean 0.6, max 0.9; p2 (GIST): 0.4 → 0.4; p3 (LM): 0.2, 0.6, 0.1 →
    /// mean 0.3, max 0.6; p4 (LM): 0.45 → 0.45; p5 (GIST) 0.7, 0.8 → 0.75 / 0.8; p6 (LM) 0.05.
    static let patientCSV = """
        case_id,label,net,patient_id
        a,GIST,0.9,p1
        b,GIST,0.3,p1
        c,GIST,0.4,p2
        d,LM,0.2,p3
        e,LM,0.6,p3
        f,LM,0.1,p3
        g,LM,0.45,p4
        h,GIST,0.7,p5
        i,GIST,0.8,p5
        j,LM,0.05,p6
        """

    func testMeanAndMaxAggregationGiveTheDocumentedValues() throws {
        let table = try table(Self.patientCSV)
        let groups = try PatientGroups(patientIDs: try XCTUnwrap(table.patientIDs), isPositive: table.labels.map { $0 == "GIST" },
                                       labels: table.labels, source: "preds.csv")
        XCTAssertEqual(groups.patientIDs, ["p1", "p2", "p3", "p4", "p5", "p6"])
        let mean = groups.scores(table.models[0].scores, aggregation: .mean)
        let max = groups.scores(table.models[0].scores, aggregation: .max)
        for (ours, expected) in zip(mean, [0.6, 0.4, 0.3, 0.45, 0.75, 0.05]) { XCTAssertEqual(ours, expected, accuracy: 1e-15) }
        XCTAssertEqual(max, [0.9, 0.4, 0.6, 0.45, 0.8, 0.05])
        // At 0.5, mean calls p1, p5 positive (2 TP, 1 FN; 3 TN), max also calls p3 (a false positive).
        let byMean = try XCTUnwrap(try MetricsComputer.compute(table, bootstrapResamples: 0).patients)
        XCTAssertEqual(byMean.aggregation, .mean)
        XCTAssertEqual([byMean.nPatients, byMean.nImages, byMean.largestGroup], [6, 10, 3])
        XCTAssertEqual(byMean.models[0].confusion, ConfusionCounts(tp: 2, fn: 1, tn: 3, fp: 0))
        let byMax = try XCTUnwrap(try MetricsComputer.compute(table, bootstrapResamples: 0, patientAggregation: .max).patients)
        XCTAssertEqual(byMax.models[0].confusion, ConfusionCounts(tp: 2, fn: 1, tn: 2, fp: 1))
    }

    func testClusterBootstrapNeverSplitsAPatient() throws {
        let table = try table(Self.patientCSV)
        let groups = try PatientGroups(patientIDs: try XCTUnwrap(table.patientIDs), isPositive: table.labels.map { $0 == "GIST" },
                                       labels: table.labels, source: "preds.csv")
        let positives = groups.members.indices.filter { groups.isPositive[$0] }
        let negatives = groups.members.indices.filter { !groups.isPositive[$0] }
        var generator = SeededRandom(seed: 5)
        for _ in 0..<200 {
            let drawn = ClusterBootstrapAUC.replicate(positives: positives, negatives: negatives, using: &generator)
            XCTAssertEqual(drawn.positives.count, 3)
            XCTAssertEqual(drawn.negatives.count, 3)
            XCTAssertTrue(drawn.positives.allSatisfy { groups.isPositive[$0] } && drawn.negatives.allSatisfy { !groups.isPositive[$0] })
            // Every image of a drawn patient comes along as often as the patient is drawn.
            var imageCounts = [Int](repeating: 0, count: table.caseIDs.count)
            for patient in drawn.positives + drawn.negatives { for image in groups.members[patient] { imageCounts[image] += 1 } }
            for (patient, images) in groups.members.enumerated() {
                let times = (drawn.positives + drawn.negatives).filter { $0 == patient }.count
                XCTAssertTrue(images.allSatisfy { imageCounts[$0] == times }, "patient \(groups.patientIDs[patient]) split")
            }
        }
        let interval = try XCTUnwrap(ClusterBootstrapAUC.interval(groups, scores: table.models[0].scores, resamples: 500, seed: 3))
        XCTAssertEqual(interval, ClusterBootstrapAUC.interval(groups, scores: table.models[0].scores, resamples: 500, seed: 3), "seeded")
        XCTAssertTrue(interval.lower <= interval.upper && interval.lower >= 0 && interval.upper <= 1)
        XCTAssertEqual(ClusterBootstrapAUC.mannWhitney(positives: [0.9, 0.5], negatives: [0.5, 0.1]), 0.875)
    }

    func testOneImagePerPatientGivesIdenticalPerImageAndPerPatientTables() throws {
        var lines = ["case_id,label,net,other,patient_id"]
        var generator = SeededRandom(seed: 11)
        for index in 0..<29 {
            let positive = index < 14
            lines.append("c\(index),\(positive ? "GIST" : "LM"),\(min(1, max(0, generator.uniform(positive ? 0.2 : 0, positive ? 1 : 0.8)))),\(generator.uniform()),pt\(index)")
        }
        let table = try table(lines.joined(separator: "\n"))
        let document = try MetricsComputer.compute(table, bootstrapResamples: 300, seed: 4)
        XCTAssertNil(document.patients, "no patient has more than one image, so there is no separate per-patient analysis")
        let groups = try PatientGroups(patientIDs: try XCTUnwrap(table.patientIDs), isPositive: table.labels.map { $0 == "GIST" },
                                       labels: table.labels, source: "preds.csv")
        for aggregation in PatientAggregation.allCases {
            let patients = try XCTUnwrap(PatientAnalysis.compute(table, groups: groups, perImage: document.models, aggregation: aggregation,
                                                                 threshold: 0.5, bootstrapResamples: 300, seed: 4, alpha: 0.05))
            XCTAssertEqual(patients.models, document.models, "\(aggregation): per-patient metrics equal the per-image ones")
            XCTAssertEqual(patients.clusterAUC.map(\.clusterBootstrapCI), document.models.map(\.auc.bootstrapCI),
                           "the cluster bootstrap of single-image patients is the stratified bootstrap")
        }
    }

    func testAPatientWithTwoLabelsIsAnError() {
        let text = "case_id,label,net,patient_id\na,GIST,0.9,p1\nb,LM,0.2,p1\nc,GIST,0.8,p2\nd,LM,0.1,p3\ne,GIST,0.7,p4\nf,LM,0.3,p5\n"
        XCTAssertThrowsError(try MetricsComputer.compute(table(text), bootstrapResamples: 0)) {
            XCTAssertEqual(($0 as? UserError)?.message,
                           "preds.csv line 3, column patient_id: patient 'p1' has images labelled GIST and LM; per-patient analysis needs one label per patient")
        }
    }
}
