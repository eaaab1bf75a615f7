using System.Buffers.Binary;

namespace CniPlugins.Conformance.Infrastructure;

/// <summary>
/// The parts of a 64-bit little-endian ELF file that say whether it needs a dynamic loader: the file type, the
/// program header types, and the DT_NEEDED entries of the dynamic segment. Read from the file itself, because
/// ldd says nothing useful about a static binary (it prints "not a dynamic executable" to stderr).
/// Layout from the System V ABI / elf(5): Elf64_Ehdr, Elf64_Phdr, Elf64_Dyn.
/// </summary>
public sealed class ElfImage
{
    public const ushort ET_EXEC = 2;
    public const ushort ET_DYN = 3;
    public const uint PT_DYNAMIC = 2;
    public const uint PT_INTERP = 3;
    public const long DT_NULL = 0;
    public const long DT_NEEDED = 1;

    private ElfImage(ushort type, uint[] programHeaderTypes, int neededCount)
    {
        Type = type;
        ProgramHeaderTypes = programHeaderTypes;
        NeededCount = neededCount;
    }

    /// <summary>e_type: ET_EXEC for a non-PIE executable.</summary>
    public ushort Type { get; }

    /// <summary>p_type of every program header, in file order.</summary>
    public uint[] ProgramHeaderTypes { get; }

    /// <summary>How many shared libraries the dynamic segment asks the loader for (0 without a dynamic segment).</summary>
    public int NeededCount { get; }

    public bool HasInterpreter => ProgramHeaderTypes.Contains(PT_INTERP);

    public static ElfImage Read(string path)
    {
        byte[] f = File.ReadAllBytes(path);
        if (f.Length < 64 || f[0] != 0x7f || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file");
        }

        // e_ident[EI_CLASS] = ELFCLASS64, e_ident[EI_DATA] = ELFDATA2LSB: the only ABIs we publish for.
        if (f[4] != 2 || f[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        }

        ushort type = U16(f, 16);
        long phoff = (long)U64(f, 32);
        ushort phentsize = U16(f, 54);
        ushort phnum = U16(f, 56);
        var types = new uint[phnum];
        int needed = 0;
        for (int i = 0; i < phnum; i++)
        {
            int ph = checked((int)(phoff + (i * phentsize)));
            types[i] = U32(f, ph);
            if (types[i] != PT_DYNAMIC)
            {
                continue;
            }

            long offset = (long)U64(f, ph + 8);
            long size = (long)U64(f, ph + 32);
            for (long d = offset; d + 16 <= offset + size; d += 16)
            {
                long tag = (long)U64(f, checked((int)d));
                if (tag == DT_NULL)
                {
                    break;
                }

                if (tag == DT_NEEDED)
                {
                    needed++;
                }
            }
        }

        return new ElfImage(type, types, needed);
    }

    private static ushort U16(byte[] f, int at) => BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(at));

    private static uint U32(byte[] f, int at) => BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(at));

    private static ulong U64(byte[] f, int at) => BinaryPrimitives.ReadUInt64LittleEndian(f.AsSpan(at));
}
