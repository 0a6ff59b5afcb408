import XCTest
@testable import EUSModels
import EUSCore
import EUSSupport

final class SafetensorsTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eus-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every weights fixture loads into the network, saves and reloads to the same bytes per
    /// tensor, and the saved header lists exactly torchvision's names, shapes and dtypes.
    func testWeightsRoundTripToIdenticalBytes() throws {
        for architecture in ["resnet34", "resnet50"] {
            let original = try Safetensors.read(Fixture.url("\(architecture).weights"))
            let model = try Fixture.network(architecture)
            let saved = directory.appendingPathComponent("\(architecture).safetensors")
            try model.save(to: saved)
            let reloaded = try Safetensors.read(saved)
            XCTAssertEqual(Set(reloaded.tensors.map(\.name)), Set(original.tensors.map(\.name)), architecture)
            XCTAssertEqual(reloaded.tensors.count, original.tensors.count)
            for tensor in original.tensors {
                let copy = try XCTUnwrap(reloaded[tensor.name], tensor.name)
                XCTAssertEqual(copy.shape, tensor.shape, tensor.name)
                XCTAssertEqual(copy.dtype, tensor.dtype, tensor.name)
                XCTAssertEqual(bytes(copy), bytes(tensor), "\(architecture) \(tensor.name) bytes differ")
            }
            // The model's own order is torchvision's state_dict order.
            XCTAssertEqual(reloaded.tensors.map(\.name), model.stateDict().map(\.name))
            XCTAssertEqual(reloaded.metadata["arch"], architecture)
            // A second load of the saved file reproduces the same logits.
            let again = ResNet(architecture: Architecture(rawValue: architecture)!, baseWidth: 8, seed: 99)
            try again.load(contentsOf: saved)
            let input = try Fixture.io(architecture)["input"]!.tensor!
            XCTAssertEqual(again.forward(input, mode: .eval).scalars, model.forward(input, mode: .eval).scalars)
        }
    }

    func testHeaderIsTorchvisionStateDict() throws {
        let model = ResNet(architecture: .resnet34, numClasses: 2, baseWidth: 8)
        let data = Safetensors.encode(model.stateDict())
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) })
        XCTAssertEqual(length % 8, 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + length)) as! [String: Any]
        let conv = header["layer2.0.downsample.0.weight"] as! [String: Any]
        XCTAssertEqual(conv["dtype"] as? String, "F32")
        XCTAssertEqual(conv["shape"] as? [Int], [16, 8, 1, 1])
        let count = header["layer1.0.bn1.num_batches_tracked"] as! [String: Any]
        XCTAssertEqual(count["dtype"] as? String, "I64")
        XCTAssertEqual(count["shape"] as? [Int], [])
        XCTAssertEqual((header["fc.weight"] as! [String: Any])["shape"] as? [Int], [2, 64])
        // conv1, bn1 (5 entries), fc (2), and per block 6 per unit: torchvision has 218 keys.
        XCTAssertEqual(header.count, 218)
    }

    // MARK: - Bad files, one test per error

    func testMalformedHeaderNamesTheOffset() throws {
        var data = Data()
        let json = Array("{\"a\": {\"dtype\": \"F32\",".utf8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        try assertError(data, contains: ["malformed safetensors header", "byte offset 8"])
    }

    /// A header whose numbers overflow, overlap or leave gaps is an error naming the tensor,
    /// never a trap or an alias.
    func testOversizedOverlappingAndGappedOffsetsAreRefused() throws {
        func file(_ header: String, dataBytes: Int) -> Data {
            var data = Data()
            let json = Array(header.utf8)
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: json)
            data.append(Data(count: dataBytes))
            return data
        }
        try assertError(file(#"{"a": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 4]}}"#, dataBytes: 4),
                        contains: ["tensor 'a'", "too large"])
        try assertError(file(#"{"a": {"dtype": "F32", "shape": [1099511627776, 1099511627776], "data_offsets": [0, 4]}}"#, dataBytes: 4),
                        contains: ["tensor 'a'", "too large"])
        try assertError(file(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, dataBytes: 12),
                        contains: ["'b'", "overlaps 'a'"])
        try assertError(file(#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#, dataBytes: 12),
                        contains: ["4 bytes between 'a' and tensor 'b'"])
        try assertError(file(#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, dataBytes: 8),
                        contains: ["4 bytes between the start of the data section and tensor 'a'"])
    }

    func testTruncatedFileNamesTheTensorAndOffset() throws {
        let tensors = [NamedTensor(name: "a", Tensor(shape: [4], scalars: [1, 2, 3, 4])),
                       NamedTensor(name: "b", Tensor(shape: [2, 2], scalars: [5, 6, 7, 8]))]
        let data = Safetensors.encode(tensors)
        try assertError(data.prefix(data.count - 3), contains: ["truncated", "tensor 'b'", "byte offset \(data.count)"])
        try assertError(data.prefix(5), contains: ["truncated", "8-byte header length"])
        try assertError(Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60)), contains: ["a PyTorch checkpoint (torch.save)", "save_file"])
    }

    func testUnknownDtypeNamesTheTensor() throws {
        var text = String(decoding: Safetensors.encode([NamedTensor(name: "half", Tensor(shape: [2]))]), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"F32\"", with: "\"F16\"")
        try assertError(Data(text.utf8), contains: ["tensor 'half'", "dtype F16"])
    }

    func testMissingTensorIsAnErrorNamingIt() throws {
        let model = ResNet(architecture: .resnet34, baseWidth: 8)
        let tensors = model.stateDict().filter { $0.name != "layer3.1.bn2.running_var" }
        XCTAssertThrowsError(try model.load(tensors, source: "x.safetensors")) { error in
            XCTAssertEqual((error as? UserError)?.message.hasPrefix("x.safetensors: missing tensor 'layer3.1.bn2.running_var'"), true, "\(error)")
        }
    }

    func testShapeMismatchIsAnErrorNamingTheTensor() throws {
        let model = ResNet(architecture: .resnet34, baseWidth: 8)
        let wider = ResNet(architecture: .resnet34, baseWidth: 16).stateDict()
        XCTAssertThrowsError(try model.load(wider, source: "w.safetensors")) { error in
            let message = (error as? UserError)?.message ?? ""
            XCTAssertTrue(message.contains("w.safetensors: tensor 'conv1.weight' has shape [16, 3, 7, 7]"), message)
            XCTAssertTrue(message.contains("expects [8, 3, 7, 7]"), message)
        }
        // The network is unchanged by a failed load.
        XCTAssertEqual(model.stateDict(), ResNet(architecture: .resnet34, baseWidth: 8).stateDict())
    }

    /// `--init` semantics: an fc of another shape (an ImageNet head) is re-initialised with a
    /// warning; the backbone is loaded. Without the flag it is an error.
    func testInitReinitialisesMismatchedFCWithWarning() throws {
        let imagenet = ResNet(architecture: .resnet34, numClasses: 1000, baseWidth: 8, seed: 5)
        let model = ResNet(architecture: .resnet34, numClasses: 2, baseWidth: 8, seed: 6)
        let file = directory.appendingPathComponent("imagenet.safetensors")
        try imagenet.save(to: file)
        XCTAssertThrowsError(try model.load(contentsOf: file)) { error in
            XCTAssertTrue("\(error)".contains("tensor 'fc.weight' has shape [1000, 64]"), "\(error)")
        }
        let warnings = try model.load(contentsOf: file, reinitialiseMismatchedFC: true)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("fc re-initialised"), warnings[0])
        XCTAssertTrue(warnings[0].contains(file.path))
        let backbone = model.stateDict().filter { !$0.name.hasPrefix("fc.") }
        XCTAssertEqual(backbone, imagenet.stateDict().filter { !$0.name.hasPrefix("fc.") })
        let fc = model.namedParameters.first { $0.name == "fc.weight" }!.value
        XCTAssertEqual(fc.shape, [2, 64])
        let bound = 1 / Float(64).squareRoot()
        XCTAssertTrue(fc.scalars.allSatisfy { abs($0) <= bound } && fc.maxAbs > 0)
    }

    // MARK: - Helpers

    private func bytes(_ tensor: NamedTensor) -> [UInt8] {
        switch tensor.values {
        case .float32(let v): v.withUnsafeBytes { Array($0) }
        case .int64(let v): v.withUnsafeBytes { Array($0) }
        }
    }

    private func assertError(_ data: Data, contains parts: [String], line: UInt = #line) throws {
        let file = directory.appendingPathComponent("bad-\(line).safetensors")
        try data.write(to: file)
        XCTAssertThrowsError(try Safetensors.read(file), line: line) { error in
            let message = (error as? UserError)?.message ?? "\(error)"
            XCTAssertTrue(message.hasPrefix(file.path + ": "), message, line: line)
            for part in parts { XCTAssertTrue(message.contains(part), "'\(part)' not in: \(message)", line: line) }
        }
    }
}
