/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's freertos/task.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_TASK_H
#define STUB_TASK_H
#include "freertos/FreeRTOS.h"
typedef struct tskTaskControlBlock *TaskHandle_t;
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask);
#endif
