import Foundation
import EUSSupport

/// Reads a `torch.save` file (PyTorch ≥ 1.6, the zip format) without Python and without
/// running anything from it.
///
/// Layout: a zip archive of stored entries under one folder `<name>/`: `data.pkl` (the pickled
/// object, protocol 2), `data/<key>` (each storage's raw little-endian elements), `byteorder`
/// and `version`. `data.pkl` is read by `RestrictedUnpickler`, which accepts what
/// `torch.load(weights_only=True)` needs for a state_dict and refuses everything else. Each
/// tensor is then gathered from its storage through its offset and strides, so contiguous,
/// strided (a transposed or sliced view) and shared-storage tensors all load as the row-major
/// values the tensor shows. float16 values are widened to float32 exactly.
public enum TorchCheckpoint {
    /// The tensors of the state_dict in the pickle's order: the top-level dict of tensors, or
    /// the dict of tensors under its `state_dict` or `model` key (a training checkpoint).
    public static func decode(_ data: Data, source: String) throws -> SafetensorsFile {
        let archive = try StoredZip(data, source: source)
        guard let pickleName = archive.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            throw UserError("\(source): a zip archive without data.pkl, not a torch.save file")
        }
        let folder = String(pickleName.dropLast("data.pkl".count))
        if let order = archive.entries["\(folder)byteorder"] {
            let text = String(decoding: try archive.contents(order.name), as: UTF8.self)
            guard text == "little" else { throw UserError("\(source): tensors stored \(text)-endian; EUSReport reads little-endian checkpoints") }
        }
        var unpickler = RestrictedUnpickler(try archive.contents(pickleName), source: source)
        let entries = try stateDict(in: try unpickler.load(), source: source)
        var storages: [String: Data] = [:]
        var tensors: [NamedTensor] = []
        for (name, tensor) in entries {
            let key = tensor.storage.key
            if storages[key] == nil { storages[key] = try archive.contents("\(folder)data/\(key)") }
            tensors.append(try gather(tensor, named: name, from: storages[key]!, source: source))
        }
        return SafetensorsFile(tensors: tensors, metadata: ["format": "torch.save"])
    }

    /// A file that starts as torch's legacy pickle (torch.save before PyTorch 1.6, or with
    /// `_use_new_zipfile_serialization=False`): PROTO 2, then LONG1 of the magic number
    /// 0x1950a86a20f9469cfc6c. (A first byte of 0x80 alone would not do: it is also the low
    /// byte of a 128-byte safetensors header length.)
    static func isLegacy(_ data: Data) -> Bool {
        data.starts(with: [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19])
    }

    static func legacyError(_ source: String) -> UserError {
        UserError("\(source): a legacy (pre-1.6, non-zip) torch.save file, which EUSReport does not read; re-save it in the zip format with PyTorch ≥ 1.6: torch.save(torch.load(path, weights_only=True), 'weights.pth')")
    }

    // MARK: - The state_dict

    private static func stateDict(in value: PickleValue, source: String) throws -> [(String, TorchTensor)] {
        guard case .dict(let top) = value else {
            throw UserError("\(source): data.pkl holds \(value.kind), not a state_dict (save model.state_dict())")
        }
        if let tensors = tensors(of: top) { return tensors }
        for wanted in ["state_dict", "model"] {
            for (key, nested) in top.items {
                if case .string(wanted) = key, case .dict(let dict) = nested, let tensors = tensors(of: dict) { return tensors }
            }
        }
        let keys = top.items.prefix(5).map { item -> String in
            if case .string(let key) = item.key { return "'\(key)'" }
            return item.key.kind
        }
        throw UserError("\(source): data.pkl holds a dict that is not a state_dict (keys \(keys.joined(separator: ", "))\(top.items.count > 5 ? ", …" : "")): its values are not all tensors, and it has no 'state_dict' or 'model' entry that is")
    }

    private static func tensors(of dict: PickleDict) -> [(String, TorchTensor)]? {
        var result: [(String, TorchTensor)] = []
        for (key, value) in dict.items {
            guard case .string(let name) = key, case .tensor(let tensor) = value else { return nil }
            result.append((name, tensor))
        }
        return result.isEmpty ? nil : result
    }

    // MARK: - Tensor values

    /// The row-major elements of `tensor`: element (i₀, …, iₖ) is storage element
    /// `offset + Σ iⱼ strideⱼ`, every one checked to lie inside the storage.
    static func gather(_ tensor: TorchTensor, named name: String, from bytes: Data, source: String) throws -> NamedTensor {
        let storage = tensor.storage
        let elementSize = storage.dtype == .int64 ? 8 : storage.dtype == .float32 ? 4 : 2
        guard bytes.count == storage.count * elementSize else {
            throw UserError("\(source): storage data/\(storage.key) of tensor '\(name)' has \(bytes.count) bytes, \(storage.count) elements of \(elementSize) bytes expected")
        }
        guard tensor.shape.allSatisfy({ $0 >= 0 }), let count = CheckedSize.product(tensor.shape) else {
            throw UserError("\(source): tensor '\(name)' has an invalid shape \(tensor.shape)")
        }
        let indices = try storageIndices(tensor, count: count, named: name, source: source)
        let values: NamedTensor.Values
        switch storage.dtype {
        case .float32:
            let all = Safetensors.littleEndian(bytes, as: UInt32.self)
            values = .float32(indices.map { Float(bitPattern: all[$0]) })
        case .float16:
            let all = Safetensors.littleEndian(bytes, as: UInt16.self)
            values = .float32(indices.map { HalfFloat.float(all[$0]) })
        case .int64:
            let all = Safetensors.littleEndian(bytes, as: UInt64.self)
            values = .int64(indices.map { Int64(bitPattern: all[$0]) })
        }
        return NamedTensor(name: name, shape: tensor.shape, values: values)
    }

    private static func storageIndices(_ tensor: TorchTensor, count: Int, named name: String, source: String) throws -> [Int] {
        guard count > 0 else { return [] }
        let storage = tensor.storage
        let lowest = tensor.offset + zip(tensor.shape, tensor.strides).reduce(0) { $0 + min(0, ($1.0 - 1) * $1.1) }
        let highest = tensor.offset + zip(tensor.shape, tensor.strides).reduce(0) { $0 + max(0, ($1.0 - 1) * $1.1) }
        guard lowest >= 0, highest < storage.count else {
            throw UserError("\(source): tensor '\(name)' (offset \(tensor.offset), shape \(tensor.shape), strides \(tensor.strides)) reaches outside its storage of \(storage.count) elements")
        }
        var indices = [Int](repeating: tensor.offset, count: count)
        // Row-major walk: each dimension's stride is added once per step of its index.
        var block = count
        for (size, step) in zip(tensor.shape, tensor.strides) {
            block /= size
            for position in 0..<count { indices[position] += (position / block) % size * step }
        }
        return indices
    }
}

/// IEEE 754 binary16 to binary32, exactly (every half value is a float value).
enum HalfFloat {
    static func float(_ bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction × 2⁻²⁴.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | fraction << 13)
        }
    }
}
