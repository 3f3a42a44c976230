// Reference descriptors from dlib itself, to check the ONNX conversion of dlib_face_recognition_resnet_model_v1.dat.
//
//   dlib_descriptors <model.dat> <chip.rgb>...
//
// Each chip is a raw file of 150*150*3 bytes: interleaved R,G,B, row-major (no header). Prints one line per chip
// with the 128 descriptor values ("%.9g", enough digits to round-trip a float), in the order given.
//
// The network type must match the layers stored in the file (dlib's face ResNet as its example program declares it).

#include "dlib_resnet.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

using namespace dlib;

namespace
{
    using faceping::anet_type;

    constexpr long chip_size = 150;

    matrix<rgb_pixel> read_chip(const char* path)
    {
        std::ifstream in(path, std::ios::binary);
        std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.size() != static_cast<size_t>(chip_size * chip_size * 3))
            throw std::runtime_error(std::string(path) + ": expected 150*150*3 bytes of interleaved RGB");
        matrix<rgb_pixel> chip(chip_size, chip_size);
        for (long r = 0; r < chip_size; ++r)
            for (long c = 0; c < chip_size; ++c)
            {
                const unsigned char* p = &bytes[3 * (r * chip_size + c)];
                chip(r, c) = rgb_pixel(p[0], p[1], p[2]);
            }
        return chip;
    }
}

int main(int argc, char** argv)
try
{
    if (argc < 3)
    {
        std::fprintf(stderr, "usage: %s <model.dat> <chip.rgb>...\n", argv[0]);
        return 2;
    }
    anet_type net;
    deserialize(argv[1]) >> net;

    std::vector<matrix<rgb_pixel>> chips;
    for (int i = 2; i < argc; ++i)
        chips.push_back(read_chip(argv[i]));

    // One chip per call: the output must not depend on batching (it does not in dlib's CPU code either).
    for (const auto& chip : chips)
    {
        matrix<float, 0, 1> descriptor = net(chip);
        for (long i = 0; i < descriptor.size(); ++i)
            std::printf(i == 0 ? "%.9g" : " %.9g", descriptor(i));
        std::printf("\n");
    }
    return 0;
}
catch (const std::exception& e)
{
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
}
