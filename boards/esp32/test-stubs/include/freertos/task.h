/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's freertos/task.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_TASK_H
#define STUB_TASK_H
#include "freertos/FreeRTOS.h"
typedef struct tskTaskControlBlock *TaskHandle_t;
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask);
typedef void (*TaskFunction_t)(void *);
typedef uint8_t StackType_t; /* ESP-IDF: stack depth in bytes */
typedef struct { void *pvDummy[24]; } StaticTask_t;
TaskHandle_t xTaskCreateStatic(TaskFunction_t pxTaskCode, const char *pcName, uint32_t ulStackDepth,
                               void *pvParameters, UBaseType_t uxPriority,
                               StackType_t *puxStackBuffer, StaticTask_t *pxTaskBuffer);
void vTaskNotifyGiveFromISR(TaskHandle_t xTaskToNotify, BaseType_t *pxHigherPriorityTaskWoken);
uint32_t ulTaskNotifyTake(BaseType_t xClearCountOnExit, TickType_t xTicksToWait);
TickType_t xTaskGetTickCount(void);
#endif
