import Foundation
import EUSSupport

/// A value of a checkpoint's pickle, as the restricted unpickler builds it. Dictionaries and
/// lists are references, as in Python: the memo and the stack share them, and SETITEMS on one
/// is seen through the other.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// One of `RestrictedUnpickler.allowedGlobals`, not yet called.
    case global(String)
    /// A storage record named by a persistent id.
    case storage(TorchStorage)
    case tensor(TorchTensor)

    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "a bool"
        case .int: "an int"
        case .float: "a float"
        case .string: "a str"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .global(let name): name
        case .storage: "a storage"
        case .tensor: "a tensor"
        }
    }
}

final class PickleList { var items: [PickleValue] = [] }

/// An insertion-ordered dictionary (Python's dict and OrderedDict both keep the order).
final class PickleDict {
    var items: [(key: PickleValue, value: PickleValue)] = []
}

/// A storage record of the archive: `data/<key>`, `count` elements of `dtype`.
struct TorchStorage {
    enum DType: String { case float32 = "torch.FloatStorage", float16 = "torch.HalfStorage", int64 = "torch.LongStorage" }
    let dtype: DType
    let key: String
    let count: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a view (offset, shape, strides, in
/// elements) of a storage.
struct TorchTensor {
    let storage: TorchStorage
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}

/// A pickle reader that builds values and never calls anything the file names.
///
/// It follows what `torch.load(weights_only=True)` accepts for a state_dict (torch 2.x,
/// `torch/_weights_only_unpickler.py`): the protocol-2 opcodes that build plain data (ints,
/// floats, strings, tuples, lists, dicts, memo references; protocol 4's framing and
/// STACK_GLOBAL are refused, as torch refuses them), persistent ids `('storage', torch.<Type>Storage, key, location, numel)` for
/// float32, float16 and int64 storages, and REDUCE of exactly three globals:
/// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and
/// `torch._utils._rebuild_parameter`, each interpreted here by its known meaning. BUILD on a
/// dict (the state_dict's `_metadata`) is accepted and its state dropped. Any other global
/// (`os.system`, `builtins.eval`, …) or object-building opcode (INST, OBJ, NEWOBJ, EXT) is
/// refused as soon as it is read.
struct RestrictedUnpickler {
    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.HalfStorage", "torch.LongStorage",
    ]

    private let bytes: [UInt8]
    private let source: String
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(_ data: Data, source: String) {
        bytes = [UInt8](data)
        self.source = source
    }

    /// The pickle's value (what STOP returns).
    mutating func load() throws -> PickleValue {
        while true {
            let at = position
            let opcode = try byte()
            if opcode == 0x2E {  // STOP
                guard let result = stack.popLast() else { throw malformed("STOP with an empty stack", at: at) }
                return result
            }
            try execute(opcode, at: at)
        }
    }

    // MARK: - Opcodes

    private mutating func execute(_ opcode: UInt8, at: Int) throws {
        switch opcode {
        case 0x80: _ = try byte()                                   // PROTO
        case 0x7D: stack.append(.dict(PickleDict()))                 // } EMPTY_DICT
        case 0x5D: stack.append(.list(PickleList()))                 // ] EMPTY_LIST
        case 0x29: stack.append(.tuple([]))                         // ) EMPTY_TUPLE
        case 0x28: marks.append(stack.count)                        // ( MARK
        case 0x74: stack.append(.tuple(try popMark(at: at)))         // t TUPLE
        case 0x85, 0x86, 0x87:                                      // TUPLE1..3
            let n = Int(opcode - 0x84)
            stack.append(.tuple(try pop(n, at: at)))
        case 0x4E: stack.append(.none)                              // N NONE
        case 0x88: stack.append(.bool(true))                        // NEWTRUE
        case 0x89: stack.append(.bool(false))                       // NEWFALSE
        case 0x4B: stack.append(.int(Int64(try byte())))            // K BININT1
        case 0x4D: stack.append(.int(Int64(try unsigned(2))))       // M BININT2
        case 0x4A: stack.append(.int(Int64(Int32(truncatingIfNeeded: try unsigned(4))))) // J BININT
        case 0x8A: stack.append(.int(try long1(at: at)))             // LONG1
        case 0x47: stack.append(.float(Double(bitPattern: try bigEndian(8)))) // G BINFLOAT
        case 0x58: stack.append(.string(try text(Int(try unsigned(4)))))  // X BINUNICODE
        case 0x55: stack.append(.string(try text(Int(try byte()))))        // U SHORT_BINSTRING
        case 0x71: try put(Int(try byte()), at: at)                   // q BINPUT
        case 0x72: try put(Int(try unsigned(4)), at: at)              // r LONG_BINPUT
        case 0x68: try get(Int(try byte()), at: at)                   // h BINGET
        case 0x6A: try get(Int(try unsigned(4)), at: at)              // j LONG_BINGET
        case 0x63: try pushGlobal(try line(), try line(), at: at)     // c GLOBAL
        case 0x51: stack.append(try persistentLoad(try pop(1, at: at)[0], at: at)) // Q BINPERSID
        case 0x52:                                                    // R REDUCE
            let pair = try pop(2, at: at)
            stack.append(try reduce(pair[0], pair[1], at: at))
        case 0x62: try build(at: at)                                  // b BUILD
        case 0x73:                                                    // s SETITEM
            let pair = try pop(2, at: at)
            try setItems([pair[0], pair[1]], at: at)
        case 0x75: try setItems(try popMark(at: at), at: at)         // u SETITEMS
        case 0x61: try append(try pop(1, at: at), at: at)            // a APPEND
        case 0x65: try append(try popMark(at: at), at: at)           // e APPENDS
        default:
            if opcode >= 0x92 && opcode <= 0x97 {
                throw UserError("\(source): data.pkl uses pickle protocol 4 (opcode 0x\(String(opcode, radix: 16)) at byte \(at)), which torch.load(weights_only=True) refuses too; re-save it with torch.save's default protocol (2)")
            }
            let name = Self.refusedOpcodes[opcode].map { " (\($0))" } ?? ""
            throw UserError("\(source): data.pkl uses pickle opcode 0x\(String(opcode, radix: 16))\(name) at byte \(at), which a weights-only checkpoint does not need; refused, nothing from the file was run")
        }
    }

    /// Opcodes that build or call arbitrary objects, named in the refusal.
    private static let refusedOpcodes: [UInt8: String] = [
        0x69: "INST", 0x6F: "OBJ", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x50: "PERSID",
    ]

    private mutating func pushGlobal(_ module: String, _ name: String, at: Int) throws {
        let qualified = "\(module).\(name)"
        guard Self.allowedGlobals.contains(qualified) else {
            throw UserError("\(source): data.pkl asks for the global \(qualified) at byte \(at); a weights-only checkpoint may name only \(Self.allowedGlobals.sorted().joined(separator: ", ")): refused, nothing from the file was run")
        }
        stack.append(.global(qualified))
    }

    /// `('storage', torch.<Type>Storage, key, location, numel)`.
    private func persistentLoad(_ pid: PickleValue, at: Int) throws -> PickleValue {
        guard case .tuple(let fields) = pid, fields.count == 5, case .string("storage") = fields[0] else {
            throw malformed("a persistent id that is not ('storage', type, key, location, numel)", at: at)
        }
        guard case .global(let type) = fields[1], let dtype = TorchStorage.DType(rawValue: type) else {
            throw UserError("\(source): data.pkl has a storage of type \(fields[1].kind) at byte \(at); EUSReport reads float32, float16 and int64 storages")
        }
        guard case .string(let key) = fields[2], case .int(let count) = fields[4], count >= 0 else {
            throw malformed("a storage without a key and an element count", at: at)
        }
        return .storage(TorchStorage(dtype: dtype, key: key, count: Int(count)))
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue, at: Int) throws -> PickleValue {
        guard case .global(let name) = callable, case .tuple(let args) = arguments else {
            throw malformed("REDUCE of \(callable.kind) with \(arguments.kind)", at: at)
        }
        switch name {
        case "collections.OrderedDict":
            guard args.isEmpty else { throw malformed("OrderedDict called with arguments", at: at) }
            return .dict(PickleDict())
        case "torch._utils._rebuild_tensor_v2":
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                  let shape = integers(args[2]), let strides = integers(args[3]), shape.count == strides.count else {
                throw malformed("_rebuild_tensor_v2 without (storage, offset, size, stride)", at: at)
            }
            return .tensor(TorchTensor(storage: storage, offset: Int(offset), shape: shape, strides: strides))
        case "torch._utils._rebuild_parameter":
            // (data, requires_grad, backward_hooks): a Parameter is its tensor here.
            guard let first = args.first, case .tensor = first else { throw malformed("_rebuild_parameter without a tensor", at: at) }
            return first
        default:
            throw UserError("\(source): data.pkl calls \(name) at byte \(at), which builds no tensor or dict; refused, nothing from the file was run")
        }
    }

    /// BUILD: a state_dict's `_metadata` attribute (dropped). Anything else is refused.
    private mutating func build(at: Int) throws {
        let pair = try pop(2, at: at)
        guard case .dict = pair[0] else {
            throw UserError("\(source): data.pkl sets the state of \(pair[0].kind) at byte \(at); a weights-only checkpoint sets none but a dict's; refused, nothing from the file was run")
        }
        stack.append(pair[0])
    }

    private mutating func setItems(_ items: [PickleValue], at: Int) throws {
        guard items.count % 2 == 0, case .dict(let dict)? = stack.last else {
            throw malformed("SETITEMS without a dict and key-value pairs", at: at)
        }
        for index in stride(from: 0, to: items.count, by: 2) { dict.items.append((items[index], items[index + 1])) }
    }

    private mutating func append(_ items: [PickleValue], at: Int) throws {
        guard case .list(let list)? = stack.last else { throw malformed("APPENDS without a list", at: at) }
        list.items += items
    }

    private func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .int(let n) = item else { return nil }
            result.append(Int(n))
        }
        return result
    }

    // MARK: - Stack and memo

    private mutating func put(_ index: Int, at: Int) throws {
        guard let top = stack.last else { throw malformed("memo put with an empty stack", at: at) }
        memo[index] = top
    }

    private mutating func get(_ index: Int, at: Int) throws {
        guard let value = memo[index] else { throw malformed("memo get of unset entry \(index)", at: at) }
        stack.append(value)
    }

    private mutating func pop(_ count: Int, at: Int) throws -> [PickleValue] {
        guard stack.count - count >= (marks.last ?? 0) else { throw malformed("stack underflow", at: at) }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private mutating func popMark(at: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw malformed("no MARK", at: at) }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    // MARK: - Bytes

    private func malformed(_ what: String, at: Int) -> UserError {
        UserError("\(source): malformed data.pkl: \(what) at byte \(at)")
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position <= bytes.count - count else {
            throw UserError("\(source): truncated data.pkl: \(count) bytes needed at byte \(position), it has \(bytes.count)")
        }
        defer { position += count }
        return bytes[position ..< position + count]
    }

    private mutating func byte() throws -> UInt8 { try take(1).first! }

    private mutating func unsigned(_ count: Int) throws -> UInt64 {
        try take(count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func bigEndian(_ count: Int) throws -> UInt64 {
        try take(count).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// LONG1: a little-endian two's-complement integer of n ≤ 8 bytes.
    private mutating func long1(at: Int) throws -> Int64 {
        let n = Int(try byte())
        guard n <= 8 else { throw malformed("an integer of \(n) bytes", at: at) }
        let raw = try take(n)
        guard n > 0 else { return 0 }
        var value = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if n < 8, raw.last! & 0x80 != 0 { value |= ~UInt64(0) << UInt64(8 * n) }
        return Int64(bitPattern: value)
    }

    private mutating func text(_ count: Int) throws -> String {
        String(decoding: try take(count), as: UTF8.self)
    }

    /// A newline-terminated line (GLOBAL's module and name).
    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else {
            throw UserError("\(source): truncated data.pkl: unterminated line at byte \(position)")
        }
        defer { position = end + 1 }
        return String(decoding: bytes[position ..< end], as: UTF8.self)
    }
}
