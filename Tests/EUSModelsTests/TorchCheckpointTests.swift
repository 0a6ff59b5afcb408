import Foundation
import XCTest
@testable import EUSModels
import EUSCore
import EUSSupport

/// torch.save files read without Python. Fixtures: Fixtures/torch/, made by
/// scripts/make_torch_checkpoint_fixtures.py with torch 2.15.0 and torchvision 0.29.2
/// (Fixtures/torch/VERSIONS.txt); each loadable `.pth` has a `.expected.safetensors` with the
/// same tensors made contiguous (float16 widened to float32) by the same script.
final class TorchCheckpointTests: XCTestCase {
    private func fixture(_ name: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/torch/\(name)", withExtension: nil), name)
    }

    /// Every tensor of `name`.pth equals, bit for bit, the one of the same name in its
    /// expected safetensors file, in the same order.
    private func assertIdenticalToExpected(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let loaded = try WeightsFile.read(fixture("\(name).pth"))
        let expected = try Safetensors.read(fixture("\(name).expected.safetensors"))
        XCTAssertEqual(loaded.tensors.map(\.name), expected.tensors.map(\.name), "\(name): names or order", file: file, line: line)
        for tensor in expected.tensors {
            let copy = try XCTUnwrap(loaded[tensor.name], "\(name): \(tensor.name) missing", file: file, line: line)
            XCTAssertEqual(copy.shape, tensor.shape, "\(name) \(tensor.name) shape", file: file, line: line)
            XCTAssertEqual(copy.dtype, tensor.dtype, "\(name) \(tensor.name) dtype", file: file, line: line)
            XCTAssertEqual(bitPatterns(copy), bitPatterns(tensor), "\(name) \(tensor.name) values", file: file, line: line)
        }
        XCTAssertEqual(loaded.metadata["format"], "torch.save")
    }

    private func bitPatterns(_ tensor: NamedTensor) -> [UInt64] {
        switch tensor.values {
        case .float32(let v): v.map { UInt64($0.bitPattern) }
        case .int64(let v): v.map { UInt64(bitPattern: $0) }
        }
    }

    private func assertRefused(_ name: String, containing parts: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try fixture(name)
        XCTAssertThrowsError(try WeightsFile.read(url), name, file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path + ": "), "\(name): \(message)", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), "\(name): one line: \(message)", file: file, line: line)
            for part in parts {
                XCTAssertTrue(message.contains(part), "\(name): '\(part)' not in: \(message)", file: file, line: line)
            }
        }
    }

    // MARK: - Loading

    /// torch.save(model.state_dict()) of a narrow torchvision ResNet-18 (base width 4): 122
    /// tensors (float32 and int64 num_batches_tracked), identical to its safetensors twin, and
    /// it loads strictly into the engine's ResNet-18, whose logits equal those of the network
    /// loaded from the safetensors file.
    func testTorchvisionStateDictEqualsItsSafetensorsTwin() throws {
        try assertIdenticalToExpected("narrow_resnet18")
        let loaded = try WeightsFile.read(fixture("narrow_resnet18.pth"))
        XCTAssertEqual(loaded.tensors.count, 122)
        XCTAssertEqual(loaded["bn1.num_batches_tracked"]?.int64s, [7])

        let fromTorch = ResNet(architecture: .resnet18, numClasses: 2, baseWidth: 4, seed: 1)
        XCTAssertEqual(try fromTorch.load(loaded.tensors, source: "pth", strict: true), [])
        let fromSafetensors = ResNet(architecture: .resnet18, numClasses: 2, baseWidth: 4, seed: 2)
        try fromSafetensors.load(contentsOf: fixture("narrow_resnet18.expected.safetensors"))
        var random = SeededRandom(seed: 5)
        let input = Tensor(shape: [1, 3, 32, 32], scalars: (0..<3 * 32 * 32).map { _ in Float(random.uniform(-1, 1)) })
        XCTAssertEqual(fromTorch.forward(input, mode: .eval).scalars, fromSafetensors.forward(input, mode: .eval).scalars)
        // ResNet.load(contentsOf:) takes the .pth as well.
        let direct = ResNet(architecture: .resnet18, numClasses: 2, baseWidth: 4, seed: 3)
        try direct.load(contentsOf: fixture("narrow_resnet18.pth"))
        XCTAssertEqual(direct.stateDict(), fromTorch.stateDict())
    }

    /// float16 (with a subnormal and the largest half), transposed, sliced and offset views of
    /// one storage, a 0-d tensor, int64 values beyond 2³², an empty tensor.
    func testViewsAndDtypesEqualTheirContiguousValues() throws {
        try assertIdenticalToExpected("views")
        let views = try WeightsFile.read(fixture("views.pth"))
        XCTAssertEqual(views["transposed"]?.shape, [6, 4])
        XCTAssertEqual(views["transposed"]?.floats?.prefix(3), [0, Float(6) / 7, Float(12) / 7])
        XCTAssertEqual(views["half"]?.floats?[2], 65504)
        XCTAssertEqual(views["half"]?.floats?[1], -0x1p-24)
        XCTAssertEqual(views["scalar"]?.shape, [])
        XCTAssertEqual(views["counts"]?.int64s, [-3, 0, 1 << 40])
        XCTAssertEqual(views["empty"]?.shape, [0, 3])
    }

    /// {'epoch': 3, 'state_dict': …}: the tensors under 'state_dict'.
    func testTrainingCheckpointGivesItsStateDict() throws {
        try assertIdenticalToExpected("training_checkpoint")
    }

    func testHalfFloatConversionIsExact() {
        XCTAssertEqual(HalfFloat.float(0x3C00), 1)
        XCTAssertEqual(HalfFloat.float(0xC000), -2)
        XCTAssertEqual(HalfFloat.float(0x7BFF), 65504)
        XCTAssertEqual(HalfFloat.float(0x0001), 0x1p-24)
        XCTAssertEqual(HalfFloat.float(0x03FF), Float(1023) * 0x1p-24)
        XCTAssertEqual(HalfFloat.float(0x0400), 0x1p-14)
        XCTAssertEqual(HalfFloat.float(0x7C00), .infinity)
        XCTAssertTrue(HalfFloat.float(0x7E00).isNaN)
        XCTAssertEqual(HalfFloat.float(0x8000).sign, .minus)
    }

    // MARK: - Refused

    /// A pickle that asks for os.system (posix.system on Linux) or builtins.eval (__builtin__.eval in protocol 2) is refused
    /// when the global is read, and the command it carries never runs.
    func testOtherGlobalsAreRefusedAndNothingRuns() throws {
        let marker = "/tmp/eus-evil-checkpoint"
        try? FileManager.default.removeItem(atPath: marker)
        try assertRefused("evil_system.pth", containing: ["posix.system", "refused, nothing from the file was run"])
        try assertRefused("evil_eval.pth", containing: ["__builtin__.eval", "refused"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testLegacyFormatSaysHowToResave() throws {
        try assertRefused("legacy.pth", containing: ["legacy", "non-zip", "torch.save(torch.load(path, weights_only=True)"])
    }

    /// A safetensors file whose header length starts with the byte 0x80 (a pickle's PROTO)
    /// is still read as safetensors.
    func testSafetensorsStartingWith0x80IsNotTakenForAPickle() throws {
        let name = (0..<200).lazy.map { String(repeating: "w", count: $0 + 1) }.first { name in
            Safetensors.encode([NamedTensor(name: name, shape: [1], values: .float32([1]))]).first == 0x80
        }
        let tensor = NamedTensor(name: try XCTUnwrap(name), shape: [1], values: .float32([1]))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("eus-0x80-\(UUID().uuidString).safetensors")
        try Safetensors.write([tensor], to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try WeightsFile.read(url).tensors, [tensor])
    }

    func testCompressedEntriesAreRefused() throws {
        try assertRefused("deflated.pth", containing: ["compressed (deflate)", "uncompressed"])
    }

    /// torch's own weights_only loader refuses protocol 4 (FRAME); so does this one.
    func testProtocol4IsRefusedAsTorchRefusesIt() throws {
        try assertRefused("views_protocol4.pth", containing: ["protocol 4", "weights_only=True"])
    }

    /// Every cut of the file, and a flipped byte in a tensor record, is a one-line error.
    func testTruncatedAndCorruptFilesAreOneLineErrors() throws {
        let data = try Data(contentsOf: fixture("views.pth"))
        for length in [4, 30, data.count / 2, data.count - 30, data.count - 1] {
            XCTAssertThrowsError(try TorchCheckpoint.decode(data.prefix(length), source: "cut.pth"), "\(length)") { error in
                XCTAssertTrue("\(error)".hasPrefix("cut.pth: "), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        }
        var corrupt = data
        let record = try XCTUnwrap(StoredZip(data, source: "x").entries["views/data/0"])
        corrupt[record.localHeaderOffset + 200] ^= 0xFF
        XCTAssertThrowsError(try TorchCheckpoint.decode(corrupt, source: "flipped.pth")) { error in
            XCTAssertTrue("\(error)".contains("CRC-32"), "\(error)")
        }
    }

    /// A view reaching past its storage, or before its start, is refused naming the tensor;
    /// one inside it gathers the strided elements.
    func testViewsOutsideTheirStorageAreRefused() throws {
        let storage = TorchStorage(dtype: .float32, key: "0", count: 4)
        let bytes = Data([Float(1), 2, 3, 4].flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) })
        let inside = TorchTensor(storage: storage, offset: 1, shape: [2], strides: [2])
        XCTAssertEqual(try TorchCheckpoint.gather(inside, named: "w", from: bytes, source: "s.pth").floats, [2, 4])
        for view in [TorchTensor(storage: storage, offset: 2, shape: [2, 2], strides: [2, 1]),
                     TorchTensor(storage: storage, offset: 0, shape: [2], strides: [-1])] {
            XCTAssertThrowsError(try TorchCheckpoint.gather(view, named: "w", from: bytes, source: "s.pth")) { error in
                XCTAssertTrue("\(error)".contains("tensor 'w'") && "\(error)".contains("outside its storage"), "\(error)")
            }
        }
        XCTAssertThrowsError(try TorchCheckpoint.gather(inside, named: "w", from: bytes.prefix(12), source: "s.pth")) { error in
            XCTAssertTrue("\(error)".contains("12 bytes"), "\(error)")
        }
    }
}

/// Where `--init imagenet` looks, in torch.hub's order.
final class ImageNetWeightsTests: XCTestCase {
    func testFoldersFollowTorchHub() {
        let all = ImageNetWeights.folders(environment: ["TORCH_HOME": "/t", "XDG_CACHE_HOME": "/x", "HOME": "/h"]).map(\.path)
        XCTAssertEqual(all, ["/t/hub/checkpoints", "/x/torch/hub/checkpoints", "/h/.cache/torch/hub/checkpoints"])
        XCTAssertEqual(ImageNetWeights.folders(environment: ["HOME": "/h"]).map(\.path), ["/h/.cache/torch/hub/checkpoints"])
        XCTAssertEqual(ImageNetWeights.folders(environment: ["TORCH_HOME": "/h/.cache/torch", "HOME": "/h"]).map(\.path),
                       ["/h/.cache/torch/hub/checkpoints"], "one folder named once")
    }

    func testTorchvisionFileNames() {
        XCTAssertEqual(ImageNetWeights.fileNames(for: .resnet34), ["resnet34-b627a593.pth"])
        XCTAssertEqual(ImageNetWeights.fileNames(for: .resnet50), ["resnet50-11ad3fa6.pth", "resnet50-0676ba61.pth"])
        XCTAssertTrue(ImageNetWeights.isImageNetFile(URL(fileURLWithPath: "/any/resnet50-0676ba61.pth")))
        XCTAssertFalse(ImageNetWeights.isImageNetFile(URL(fileURLWithPath: "/any/resnet50.pth")))
    }

    /// The second ResNet-50 name is taken when only it is present.
    func testLocateFindsEitherResNet50File() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("eus-hub-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let folder = home.appendingPathComponent(".cache/torch/hub/checkpoints")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ImageNetWeights.locate(.resnet50, environment: ["HOME": home.path])) { error in
            XCTAssertTrue("\(error)".contains("download https://download.pytorch.org/models/resnet50-11ad3fa6.pth and put it in \(folder.standardizedFileURL.path)/"), "\(error)")
        }
        XCTAssertTrue(FileManager.default.createFile(atPath: folder.appendingPathComponent("resnet50-0676ba61.pth").path, contents: Data()))
        XCTAssertEqual(try ImageNetWeights.locate(.resnet50, environment: ["HOME": home.path]).lastPathComponent, "resnet50-0676ba61.pth")
    }
}
