// dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) as the C++ type dlib deserializes it
// into; shared by the conversion check (dlib_descriptors.cpp) and the pipeline benchmark (dlib_pipeline.cpp).
#pragma once

#include <dlib/dnn.h>

namespace faceping
{
    using namespace dlib;

    // The layer sequence stored in the model file (FacePing.ModelTools/Dlib/AnetTypeLayout.cs checks the same list):
    // a 7x7/2 stem with max pooling, then four stages of residual units (32, 64, 128 and 256 filters, the first unit
    // of the last three stages and one extra 256 unit halving the resolution), a global average and a 128-wide
    // linear layer. dlib needs it spelled out as a type to deserialize into; affine layers hold the frozen batch norm.
    template <int filters, int stride, typename input>
    using conv_pair = affine<con<filters, 3, 3, 1, 1, relu<affine<con<filters, 3, 3, stride, stride, input>>>>>;

    // Same size: the unit's input (tag1) is added back to its output.
    template <int filters, typename input>
    using unit = relu<add_prev1<conv_pair<filters, 1, tag1<input>>>>;

    // Halving: the shortcut is the input average-pooled 2x2 (tag1 via skip1), added to the strided pair's output
    // (tag2).
    template <int filters, typename input>
    using halving_unit = relu<add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<conv_pair<filters, 2, tag1<input>>>>>>>;

    template <typename input> using stage32 = unit<32, unit<32, unit<32, input>>>;
    template <typename input> using stage64 = unit<64, unit<64, unit<64, halving_unit<64, input>>>>;
    template <typename input> using stage128 = unit<128, unit<128, halving_unit<128, input>>>;
    template <typename input> using stage256 = halving_unit<256, unit<256, unit<256, halving_unit<256, input>>>>;

    using stem = max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>;
    using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<stage256<stage128<stage64<stage32<stem>>>>>>>;
}
