;; A function with more floating-point constants than the constant pool used to hold (32): 300
;; distinct f64 constants and repeats of earlier ones, found while the pool is scanned and after
;; it switches to a hash (past 16 entries), and past the pool's capacity none. Each sum is exact
;; (dyadic values), so one constant loaded wrong changes it. Written by a script for the
;; compile-speed work on the pool's lookup.
(module
  (func (export "sum") (result f64)
    f64.const 0
    f64.const 1.0009765625
    f64.add
    f64.const 1.001953125
    f64.add
    f64.const 1.0029296875
    f64.add
    f64.const 1.00390625
    f64.add
    f64.const 1.0048828125
    f64.add
    f64.const 1.005859375
    f64.add
    f64.const 1.00390625
    f64.add
    f64.const 1.0029296875
    f64.add
    f64.const 1.0068359375
    f64.add
    f64.const 1.0078125
    f64.add
    f64.const 1.0087890625
    f64.add
    f64.const 1.009765625
    f64.add
    f64.const 1.0107421875
    f64.add
    f64.const 1.01171875
    f64.add
    f64.const 1.0126953125
    f64.add
    f64.const 1.013671875
    f64.add
    f64.const 1.0146484375
    f64.add
    f64.const 1.015625
    f64.add
    f64.const 1.0166015625
    f64.add
    f64.const 1.017578125
    f64.add
    f64.const 1.0185546875
    f64.add
    f64.const 1.01953125
    f64.add
    f64.const 1.0205078125
    f64.add
    f64.const 1.00390625
    f64.add
    f64.const 1.0107421875
    f64.add
    f64.const 1.021484375
    f64.add
    f64.const 1.0224609375
    f64.add
    f64.const 1.0234375
    f64.add
    f64.const 1.0244140625
    f64.add
    f64.const 1.025390625
    f64.add
    f64.const 1.0263671875
    f64.add
    f64.const 1.02734375
    f64.add
    f64.const 1.0283203125
    f64.add
    f64.const 1.029296875
    f64.add
    f64.const 1.0302734375
    f64.add
    f64.const 1.03125
    f64.add
    f64.const 1.0322265625
    f64.add
    f64.const 1.033203125
    f64.add
    f64.const 1.0341796875
    f64.add
    f64.const 1.03515625
    f64.add
    f64.const 1.0361328125
    f64.add
    f64.const 1.037109375
    f64.add
    f64.const 1.0380859375
    f64.add
    f64.const 1.0390625
    f64.add
    f64.const 1.0400390625
    f64.add
    f64.const 1.041015625
    f64.add
    f64.const 1.0419921875
    f64.add
    f64.const 1.04296875
    f64.add
    f64.const 1.0439453125
    f64.add
    f64.const 1.044921875
    f64.add
    f64.const 1.0458984375
    f64.add
    f64.const 1.046875
    f64.add
    f64.const 1.0478515625
    f64.add
    f64.const 1.048828125
    f64.add
    f64.const 1.0498046875
    f64.add
    f64.const 1.05078125
    f64.add
    f64.const 1.0517578125
    f64.add
    f64.const 1.052734375
    f64.add
    f64.const 1.0537109375
    f64.add
    f64.const 1.0546875
    f64.add
    f64.const 1.0556640625
    f64.add
    f64.const 1.056640625
    f64.add
    f64.const 1.0576171875
    f64.add
    f64.const 1.05859375
    f64.add
    f64.const 1.0595703125
    f64.add
    f64.const 1.060546875
    f64.add
    f64.const 1.0615234375
    f64.add
    f64.const 1.0625
    f64.add
    f64.const 1.0634765625
    f64.add
    f64.const 1.064453125
    f64.add
    f64.const 1.0654296875
    f64.add
    f64.const 1.06640625
    f64.add
    f64.const 1.0673828125
    f64.add
    f64.const 1.068359375
    f64.add
    f64.const 1.0693359375
    f64.add
    f64.const 1.0703125
    f64.add
    f64.const 1.0712890625
    f64.add
    f64.const 1.072265625
    f64.add
    f64.const 1.0732421875
    f64.add
    f64.const 1.07421875
    f64.add
    f64.const 1.0751953125
    f64.add
    f64.const 1.076171875
    f64.add
    f64.const 1.0771484375
    f64.add
    f64.const 1.078125
    f64.add
    f64.const 1.0791015625
    f64.add
    f64.const 1.080078125
    f64.add
    f64.const 1.0810546875
    f64.add
    f64.const 1.08203125
    f64.add
    f64.const 1.0830078125
    f64.add
    f64.const 1.083984375
    f64.add
    f64.const 1.0849609375
    f64.add
    f64.const 1.0859375
    f64.add
    f64.const 1.0869140625
    f64.add
    f64.const 1.087890625
    f64.add
    f64.const 1.0888671875
    f64.add
    f64.const 1.08984375
    f64.add
    f64.const 1.0908203125
    f64.add
    f64.const 1.091796875
    f64.add
    f64.const 1.0927734375
    f64.add
    f64.const 1.09375
    f64.add
    f64.const 1.0947265625
    f64.add
    f64.const 1.095703125
    f64.add
    f64.const 1.0966796875
    f64.add
    f64.const 1.09765625
    f64.add
    f64.const 1.0986328125
    f64.add
    f64.const 1.00390625
    f64.add
    f64.const 1.0498046875
    f64.add
    f64.const 1.099609375
    f64.add
    f64.const 1.1005859375
    f64.add
    f64.const 1.1015625
    f64.add
    f64.const 1.1025390625
    f64.add
    f64.const 1.103515625
    f64.add
    f64.const 1.1044921875
    f64.add
    f64.const 1.10546875
    f64.add
    f64.const 1.1064453125
    f64.add
    f64.const 1.107421875
    f64.add
    f64.const 1.1083984375
    f64.add
    f64.const 1.109375
    f64.add
    f64.const 1.1103515625
    f64.add
    f64.const 1.111328125
    f64.add
    f64.const 1.1123046875
    f64.add
    f64.const 1.11328125
    f64.add
    f64.const 1.1142578125
    f64.add
    f64.const 1.115234375
    f64.add
    f64.const 1.1162109375
    f64.add
    f64.const 1.1171875
    f64.add
    f64.const 1.1181640625
    f64.add
    f64.const 1.119140625
    f64.add
    f64.const 1.1201171875
    f64.add
    f64.const 1.12109375
    f64.add
    f64.const 1.1220703125
    f64.add
    f64.const 1.123046875
    f64.add
    f64.const 1.1240234375
    f64.add
    f64.const 1.125
    f64.add
    f64.const 1.1259765625
    f64.add
    f64.const 1.126953125
    f64.add
    f64.const 1.1279296875
    f64.add
    f64.const 1.12890625
    f64.add
    f64.const 1.1298828125
    f64.add
    f64.const 1.130859375
    f64.add
    f64.const 1.1318359375
    f64.add
    f64.const 1.1328125
    f64.add
    f64.const 1.1337890625
    f64.add
    f64.const 1.134765625
    f64.add
    f64.const 1.1357421875
    f64.add
    f64.const 1.13671875
    f64.add
    f64.const 1.1376953125
    f64.add
    f64.const 1.138671875
    f64.add
    f64.const 1.1396484375
    f64.add
    f64.const 1.140625
    f64.add
    f64.const 1.1416015625
    f64.add
    f64.const 1.142578125
    f64.add
    f64.const 1.1435546875
    f64.add
    f64.const 1.14453125
    f64.add
    f64.const 1.1455078125
    f64.add
    f64.const 1.146484375
    f64.add
    f64.const 1.1474609375
    f64.add
    f64.const 1.1484375
    f64.add
    f64.const 1.1494140625
    f64.add
    f64.const 1.150390625
    f64.add
    f64.const 1.1513671875
    f64.add
    f64.const 1.15234375
    f64.add
    f64.const 1.1533203125
    f64.add
    f64.const 1.154296875
    f64.add
    f64.const 1.1552734375
    f64.add
    f64.const 1.15625
    f64.add
    f64.const 1.1572265625
    f64.add
    f64.const 1.158203125
    f64.add
    f64.const 1.1591796875
    f64.add
    f64.const 1.16015625
    f64.add
    f64.const 1.1611328125
    f64.add
    f64.const 1.162109375
    f64.add
    f64.const 1.1630859375
    f64.add
    f64.const 1.1640625
    f64.add
    f64.const 1.1650390625
    f64.add
    f64.const 1.166015625
    f64.add
    f64.const 1.1669921875
    f64.add
    f64.const 1.16796875
    f64.add
    f64.const 1.1689453125
    f64.add
    f64.const 1.169921875
    f64.add
    f64.const 1.1708984375
    f64.add
    f64.const 1.171875
    f64.add
    f64.const 1.1728515625
    f64.add
    f64.const 1.173828125
    f64.add
    f64.const 1.1748046875
    f64.add
    f64.const 1.17578125
    f64.add
    f64.const 1.1767578125
    f64.add
    f64.const 1.177734375
    f64.add
    f64.const 1.1787109375
    f64.add
    f64.const 1.1796875
    f64.add
    f64.const 1.1806640625
    f64.add
    f64.const 1.181640625
    f64.add
    f64.const 1.1826171875
    f64.add
    f64.const 1.18359375
    f64.add
    f64.const 1.1845703125
    f64.add
    f64.const 1.185546875
    f64.add
    f64.const 1.1865234375
    f64.add
    f64.const 1.1875
    f64.add
    f64.const 1.1884765625
    f64.add
    f64.const 1.189453125
    f64.add
    f64.const 1.1904296875
    f64.add
    f64.const 1.19140625
    f64.add
    f64.const 1.1923828125
    f64.add
    f64.const 1.193359375
    f64.add
    f64.const 1.1943359375
    f64.add
    f64.const 1.1953125
    f64.add
    f64.const 1.1962890625
    f64.add
    f64.const 1.197265625
    f64.add
    f64.const 1.1982421875
    f64.add
    f64.const 1.19921875
    f64.add
    f64.const 1.2001953125
    f64.add
    f64.const 1.201171875
    f64.add
    f64.const 1.2021484375
    f64.add
    f64.const 1.203125
    f64.add
    f64.const 1.2041015625
    f64.add
    f64.const 1.205078125
    f64.add
    f64.const 1.2060546875
    f64.add
    f64.const 1.20703125
    f64.add
    f64.const 1.2080078125
    f64.add
    f64.const 1.208984375
    f64.add
    f64.const 1.2099609375
    f64.add
    f64.const 1.2109375
    f64.add
    f64.const 1.2119140625
    f64.add
    f64.const 1.212890625
    f64.add
    f64.const 1.2138671875
    f64.add
    f64.const 1.21484375
    f64.add
    f64.const 1.2158203125
    f64.add
    f64.const 1.216796875
    f64.add
    f64.const 1.2177734375
    f64.add
    f64.const 1.21875
    f64.add
    f64.const 1.2197265625
    f64.add
    f64.const 1.220703125
    f64.add
    f64.const 1.2216796875
    f64.add
    f64.const 1.22265625
    f64.add
    f64.const 1.2236328125
    f64.add
    f64.const 1.224609375
    f64.add
    f64.const 1.2255859375
    f64.add
    f64.const 1.2265625
    f64.add
    f64.const 1.2275390625
    f64.add
    f64.const 1.228515625
    f64.add
    f64.const 1.2294921875
    f64.add
    f64.const 1.23046875
    f64.add
    f64.const 1.2314453125
    f64.add
    f64.const 1.232421875
    f64.add
    f64.const 1.2333984375
    f64.add
    f64.const 1.234375
    f64.add
    f64.const 1.2353515625
    f64.add
    f64.const 1.236328125
    f64.add
    f64.const 1.2373046875
    f64.add
    f64.const 1.23828125
    f64.add
    f64.const 1.2392578125
    f64.add
    f64.const 1.240234375
    f64.add
    f64.const 1.2412109375
    f64.add
    f64.const 1.2421875
    f64.add
    f64.const 1.2431640625
    f64.add
    f64.const 1.244140625
    f64.add
    f64.const 1.2451171875
    f64.add
    f64.const 1.00390625
    f64.add
    f64.const 1.123046875
    f64.add
    f64.const 1.24609375
    f64.add
    f64.const 1.2470703125
    f64.add
    f64.const 1.248046875
    f64.add
    f64.const 1.2490234375
    f64.add
    f64.const 1.25
    f64.add
    f64.const 1.2509765625
    f64.add
    f64.const 1.251953125
    f64.add
    f64.const 1.2529296875
    f64.add
    f64.const 1.25390625
    f64.add
    f64.const 1.2548828125
    f64.add
    f64.const 1.255859375
    f64.add
    f64.const 1.2568359375
    f64.add
    f64.const 1.2578125
    f64.add
    f64.const 1.2587890625
    f64.add
    f64.const 1.259765625
    f64.add
    f64.const 1.2607421875
    f64.add
    f64.const 1.26171875
    f64.add
    f64.const 1.2626953125
    f64.add
    f64.const 1.263671875
    f64.add
    f64.const 1.2646484375
    f64.add
    f64.const 1.265625
    f64.add
    f64.const 1.2666015625
    f64.add
    f64.const 1.267578125
    f64.add
    f64.const 1.2685546875
    f64.add
    f64.const 1.26953125
    f64.add
    f64.const 1.2705078125
    f64.add
    f64.const 1.271484375
    f64.add
    f64.const 1.2724609375
    f64.add
    f64.const 1.2734375
    f64.add
    f64.const 1.2744140625
    f64.add
    f64.const 1.275390625
    f64.add
    f64.const 1.2763671875
    f64.add
    f64.const 1.27734375
    f64.add
    f64.const 1.2783203125
    f64.add
    f64.const 1.279296875
    f64.add
    f64.const 1.2802734375
    f64.add
    f64.const 1.28125
    f64.add
    f64.const 1.2822265625
    f64.add
    f64.const 1.283203125
    f64.add
    f64.const 1.2841796875
    f64.add
    f64.const 1.28515625
    f64.add
    f64.const 1.2861328125
    f64.add
    f64.const 1.287109375
    f64.add
    f64.const 1.2880859375
    f64.add
    f64.const 1.2890625
    f64.add
    f64.const 1.2900390625
    f64.add
    f64.const 1.291015625
    f64.add
    f64.const 1.2919921875
    f64.add
    f64.const 1.29296875
    f64.add
  )
  (func (export "mixed") (result f32)
    f32.const 1.5 f32.const 2.25 f32.add
    f32.const 1.0 f32.add
    f32.const 1.015625 f32.add
    f32.const 1.03125 f32.add
    f32.const 1.046875 f32.add
    f32.const 1.0625 f32.add
    f32.const 1.078125 f32.add
    f32.const 1.09375 f32.add
    f32.const 1.109375 f32.add
    f32.const 1.125 f32.add
    f32.const 1.140625 f32.add
    f32.const 1.15625 f32.add
    f32.const 1.171875 f32.add
    f32.const 1.1875 f32.add
    f32.const 1.203125 f32.add
    f32.const 1.21875 f32.add
    f32.const 1.234375 f32.add
    f32.const 1.25 f32.add
    f32.const 1.265625 f32.add
    f32.const 1.28125 f32.add
    f32.const 1.296875 f32.add
    f32.const 1.3125 f32.add
    f32.const 1.328125 f32.add
    f32.const 1.34375 f32.add
    f32.const 1.359375 f32.add
    f32.const 1.375 f32.add
    f32.const 1.390625 f32.add
    f32.const 1.40625 f32.add
    f32.const 1.421875 f32.add
    f32.const 1.4375 f32.add
    f32.const 1.453125 f32.add
    f32.const 1.46875 f32.add
    f32.const 1.484375 f32.add
    f32.const 1.5 f32.add
    f32.const 1.515625 f32.add
    f32.const 1.53125 f32.add
    f32.const 1.546875 f32.add
    f32.const 1.5625 f32.add
    f32.const 1.578125 f32.add
    f32.const 1.59375 f32.add
    f32.const 1.609375 f32.add
  )
)
(assert_return (invoke "sum") (f64.const 352.2939453125))
(assert_return (invoke "mixed") (f32.const 55.9375))
