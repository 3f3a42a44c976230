// Reference descriptors from dlib itself, to check the ONNX conversion of dlib_face_recognition_resnet_model_v1.dat.
//
//   dlib_descriptors <model.dat> <chip.rgb>...
//
// Each chip is a raw file of 150*150*3 bytes: interleaved R,G,B, row-major (no header). Prints one line per chip
// with the 128 descriptor values ("%.9g", enough digits to round-trip a float), in the order given.
//
// The network type must match the layers stored in the file (dlib's face ResNet as its example program declares it).

#include <dlib/dnn.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

using namespace dlib;

namespace
{
    // The layer sequence stored in the model file (FacePing.ModelTools/Dlib/AnetTypeLayout.cs checks the same list):
    // a 7x7/2 stem with max pooling, then four stages of residual units (32, 64, 128 and 256 filters, the first unit
    // of the last three stages and one extra 256 unit halving the resolution), a global average and a 128-wide
    // linear layer. dlib needs it spelled out as a type to deserialize into; affine layers hold the frozen batch norm.
    template <int filters, int stride, typename input>
    using conv_pair = affine<con<filters, 3, 3, 1, 1, relu<affine<con<filters, 3, 3, stride, stride, input>>>>>;

    // Same size: the unit's input (tag1) is added back to its output.
    template <int filters, typename input>
    using unit = relu<add_prev1<conv_pair<filters, 1, tag1<input>>>>;

    // Halving: the shortcut is the input average-pooled 2x2 (tag1 via skip1), added to the strided pair's output (tag2).
    template <int filters, typename input>
    using halving_unit = relu<add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<conv_pair<filters, 2, tag1<input>>>>>>>;

    template <typename input> using stage32 = unit<32, unit<32, unit<32, input>>>;
    template <typename input> using stage64 = unit<64, unit<64, unit<64, halving_unit<64, input>>>>;
    template <typename input> using stage128 = unit<128, unit<128, halving_unit<128, input>>>;
    template <typename input> using stage256 = halving_unit<256, unit<256, unit<256, halving_unit<256, input>>>>;

    using stem = max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>;
    using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<stage256<stage128<stage64<stage32<stem>>>>>>>;

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
